namespace Reev.Cluster.Flows.Tools;

/// <summary>Retry classification of <see cref="FlowErrorKind"/>.</summary>
public static class FlowErrors
{
    /// <summary>True for errors that may succeed when the same step is simply retried.</summary>
    public static bool IsRetryable(FlowErrorKind kind) => kind is FlowErrorKind.Transient or FlowErrorKind.Timeout or FlowErrorKind.AgentFailed;

    /// <summary>The recovery expected to help.</summary>
    public static RecoveryHint HintFor(FlowErrorKind kind) => kind switch
    {
        FlowErrorKind.Transient or FlowErrorKind.Timeout or FlowErrorKind.AgentFailed => RecoveryHint.Retry,
        FlowErrorKind.SlippageExceeded or FlowErrorKind.Liquidity => RecoveryHint.ReduceAmount,
        FlowErrorKind.VenueUnavailable => RecoveryHint.AlternateVenue,
        _ => RecoveryHint.None,
    };

    /// <summary>A <see cref="ToolError"/> with the classification filled in.</summary>
    public static ToolError Create(FlowErrorKind kind, string message) => new(kind, message, IsRetryable(kind), HintFor(kind));
}
