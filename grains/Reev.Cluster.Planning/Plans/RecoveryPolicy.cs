using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Planning.Plans;

/// <summary>What recovery may do for a step: retries of the same step and the alternates worth trying, in order.</summary>
/// <param name="MaxRetries">Retries of the same step for retryable errors.</param>
/// <param name="Alternates">Alternates to try after a matching error (reduce the amount, use the second venue).</param>
public sealed record RecoveryPolicy(int MaxRetries, EquatableArray<RecoveryHint> Alternates)
{
    /// <summary>Read-only steps: retry twice, nothing else.</summary>
    public static RecoveryPolicy RetryOnly { get; } = new(2, default);
}
