using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Planning.Plans;

/// <summary>A plan, or why the prompt was rejected (an expected outcome, not an exception).</summary>
public readonly record struct PlanResult
{
    private PlanResult(FlowPlan? plan, PromptError error)
    {
        Plan = plan;
        Error = error;
    }

    public FlowPlan? Plan { get; }

    /// <summary>The rejection; <see cref="RejectionReason.None"/> on success.</summary>
    public PromptError Error { get; }

    [MemberNotNullWhen(true, nameof(Plan))]
    public bool IsSuccess => Plan is not null;

    public static PlanResult Success(FlowPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new(plan, default);
    }

    public static PlanResult Failure(PromptError error) => new(null, error);
}
