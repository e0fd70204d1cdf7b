using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Planning.Plans;

/// <summary>A prompt turned into ordered tool steps for one wallet.</summary>
/// <param name="PlanId">Plan (and flow file) id: the caller's execution id, or <c>dynamic-&lt;unix s&gt;-&lt;8 hex&gt;</c>.</param>
/// <param name="Prompt">The prompt as given.</param>
/// <param name="Wallet">The wallet address the plan was resolved against.</param>
/// <param name="CreatedAt">When the plan was made (from the planner's <see cref="TimeProvider"/>).</param>
/// <param name="Summary">One paragraph rendered from a scenario template (the flow file's description).</param>
/// <param name="Steps">Steps in execution order.</param>
public sealed record FlowPlan(string PlanId, string Prompt, string Wallet, DateTimeOffset CreatedAt, string Summary, EquatableArray<PlannedStep> Steps)
{
    /// <summary>The steps the prompt asked for: all but the leading balance check and the trailing positions check.</summary>
    public IReadOnlyList<PlannedStep> ActionSteps =>
        [.. Steps.Where(static s => s.Id is not (Planner.BalanceCheckId or Planner.PositionsCheckId))];
}
