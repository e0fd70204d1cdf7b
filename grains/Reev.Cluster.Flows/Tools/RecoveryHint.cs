namespace Reev.Cluster.Flows.Tools;

/// <summary>What recovery is expected to help after an error.</summary>
public enum RecoveryHint
{
    /// <summary>Nothing: the error is permanent.</summary>
    None = 0,

    /// <summary>Retry the same step (with backoff).</summary>
    Retry = 1,

    /// <summary>Run an alternate with a reduced amount.</summary>
    ReduceAmount = 2,

    /// <summary>Run an alternate on the second venue.</summary>
    AlternateVenue = 3,
}
