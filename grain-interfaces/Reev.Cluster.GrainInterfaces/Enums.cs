namespace Reev.Cluster.GrainInterfaces;

/// <summary>How step failures decide the flow's outcome (DESIGN §5).</summary>
public enum AtomicMode
{
    /// <summary>Any failed step ends the flow as failed; later steps are skipped.</summary>
    Strict,

    /// <summary>A failed non-critical step is tolerated; a failed critical step ends the flow.</summary>
    Conditional,

    /// <summary>Always go on; the flow succeeds if any step succeeded.</summary>
    Lenient,
}

/// <summary>Life cycle of an execution.</summary>
public enum ExecutionStatus
{
    Queued,
    Running,
    AwaitingUser,
    Consolidating,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>Outcome of one step of an execution as the execution sees it.</summary>
public enum StepRunStatus
{
    Pending,
    Running,
    WaitingRetry,
    Succeeded,
    Failed,
    Skipped,
    Recovered,
    Cancelled,
}

/// <summary>An answer to an execution waiting for its user.</summary>
public enum FulfillmentAnswer
{
    /// <summary>Run the failed step again.</summary>
    Retry,

    /// <summary>Leave the step failed and go on with the next one.</summary>
    Skip,

    /// <summary>End the flow as failed.</summary>
    Abort,

    /// <summary>Run the next alternate flow of the step.</summary>
    Alternate,
}

/// <summary>How an alternate flow differs from the failed step.</summary>
public enum AlternateKind
{
    /// <summary>The step as planned (not an alternate).</summary>
    None,

    /// <summary>The same action with half the amount (after slippage or liquidity errors).</summary>
    ReducedAmount,

    /// <summary>The same swap on the second simulated venue (after venue errors).</summary>
    SecondVenue,

    /// <summary>A fresh attempt on a new step grain (after network errors that outlived the retries).</summary>
    FreshAttempt,
}

/// <summary>Where a flow came from.</summary>
public enum FlowSource
{
    /// <summary>A flow file (a reference benchmark).</summary>
    File,

    /// <summary>A prompt planned and written as a flow file that was loaded back (bridge mode).</summary>
    Bridge,

    /// <summary>A prompt planned in memory (direct mode).</summary>
    Direct,
}

/// <summary>State of a consolidation.</summary>
public enum ConsolidationStatus
{
    Pending,
    InProgress,
    Completed,
    Failed,
    TimedOut,
}
