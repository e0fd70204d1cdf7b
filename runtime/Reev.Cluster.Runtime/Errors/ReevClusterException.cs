namespace Reev.Cluster.Runtime;

/// <summary>Root of the cluster's exceptions. Transient ones carry a retry hint.</summary>
public abstract class ReevClusterException : Exception
{
    protected ReevClusterException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>Whether retrying the same operation later may succeed.</summary>
    public virtual bool IsTransient => false;

    /// <summary>How long to wait before retrying, when transient.</summary>
    public virtual TimeSpan? RetryAfter => null;
}
