namespace Reev.Cluster.Flows.Tools;

/// <summary>A typed tool or step error.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">Human-readable, e.g. "Insufficient funds: requested 15000000, available 10000000".</param>
/// <param name="Retryable">True when retrying the same step may succeed.</param>
/// <param name="Hint">Recovery expected to help.</param>
public sealed record ToolError(FlowErrorKind Kind, string Message, bool Retryable, RecoveryHint Hint);
