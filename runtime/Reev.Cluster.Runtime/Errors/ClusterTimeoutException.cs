namespace Reev.Cluster.Runtime;

/// <summary>An ask whose reply did not arrive in time. The message stays durable and may still run.</summary>
public sealed class ClusterTimeoutException(string message)
    : ReevClusterException(message)
{
    public override bool IsTransient => true;

    public override TimeSpan? RetryAfter => TimeSpan.FromSeconds(1);
}
