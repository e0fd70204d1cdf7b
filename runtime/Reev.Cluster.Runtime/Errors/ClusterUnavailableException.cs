namespace Reev.Cluster.Runtime;

/// <summary>The cluster's database cannot be reached; nothing was committed by the failed call.</summary>
public sealed class ClusterUnavailableException(string message, Exception? innerException = null)
    : ReevClusterException(message, innerException)
{
    public override bool IsTransient => true;

    public override TimeSpan? RetryAfter => TimeSpan.FromSeconds(2);
}
