using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>A planned flow, or why the prompt was rejected.</summary>
public readonly record struct PlanningResult
{
    private PlanningResult(PlannedFlow? flow, PromptError error)
    {
        Flow = flow;
        Error = error;
    }

    public PlannedFlow? Flow { get; }

    /// <summary>The rejection; <see cref="RejectionReason.None"/> on success.</summary>
    public PromptError Error { get; }

    [MemberNotNullWhen(true, nameof(Flow))]
    public bool IsSuccess => Flow is not null;

    public static PlanningResult Success(PlannedFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new(flow, default);
    }

    public static PlanningResult Failure(PromptError error) => new(null, error);
}
