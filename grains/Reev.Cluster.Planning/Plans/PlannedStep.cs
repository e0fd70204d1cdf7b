using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Planning.Plans;

/// <summary>One step of a <see cref="FlowPlan"/>: the tool to call, with what, and how to recover.</summary>
/// <param name="Index">1-based position in the plan (the flow file's <c>step</c>).</param>
/// <param name="Id">Stable step id: <c>balance_check</c>, <c>swap_2</c>, <c>lend_3</c>, <c>positions_check</c>, …</param>
/// <param name="Action">What the step does.</param>
/// <param name="Tool">The reference tool name (<see cref="Flows.Tools.ToolNames"/>).</param>
/// <param name="Description">One line for people (estimates, prices used).</param>
/// <param name="Prompt">The step prompt an agent runs (rendered from the templates).</param>
/// <param name="Arguments">The tool arguments known at planning time; a deferred amount is absent until resolved.</param>
/// <param name="Amount">The amount moved, when the step moves tokens.</param>
/// <param name="Critical">A failed critical step fails the flow; balance and position checks are not critical.</param>
/// <param name="TimeoutSeconds">Step timeout.</param>
/// <param name="Recovery">Retries and alternates worth trying.</param>
/// <param name="DependsOn">1-based steps whose results this step uses.</param>
public sealed partial record PlannedStep(
    int Index,
    string Id,
    ActionKind Action,
    string Tool,
    string Description,
    string Prompt,
    EquatableArray<ToolArgument> Arguments,
    PlannedAmount? Amount,
    bool Critical,
    int TimeoutSeconds,
    RecoveryPolicy Recovery,
    EquatableArray<int> DependsOn)
{
    /// <summary>True when the step only reads (balance or position check).</summary>
    public bool IsCheck => Action is ActionKind.CheckBalances or ActionKind.CheckPositions;

    /// <summary>The value of an argument, or null.</summary>
    public string? Argument(string name)
    {
        foreach (var argument in Arguments)
        {
            if (argument.Name == name)
            {
                return argument.Value;
            }
        }

        return null;
    }
}
