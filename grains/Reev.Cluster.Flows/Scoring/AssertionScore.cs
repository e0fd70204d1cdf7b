using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>Weighted fraction of final-state assertions that hold (1.0 when there are none).</summary>
public sealed record AssertionScore(double Score, double TotalWeight, double HeldWeight, EquatableArray<AssertionResult> Results)
{
    public static AssertionScore None { get; } = new(1.0, 0, 0, default(EquatableArray<AssertionResult>));
}
