using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>A plan read back from a flow document, or why the document is not a planned flow.</summary>
public readonly record struct PlanDecodeResult
{
    private PlanDecodeResult(FlowPlan? plan, string? error)
    {
        Plan = plan;
        Error = error;
    }

    public FlowPlan? Plan { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Plan))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static PlanDecodeResult Success(FlowPlan plan) => new(plan, null);

    public static PlanDecodeResult Failure(string error) => new(null, error);
}
