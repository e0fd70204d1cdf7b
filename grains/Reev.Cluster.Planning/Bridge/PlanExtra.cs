using Reev.Cluster.Flows.Tools;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>
/// The plan data a flow file's <c>flow:</c> list cannot hold (tool, arguments, amount source, recovery), stored
/// under the top-level <c>plan</c> key of a planned flow file. The reference format keeps unknown keys, so the file
/// stays a valid reference flow file.
/// </summary>
internal sealed record PlanExtra(string Wallet, string CreatedAt, List<PlanStepExtra> Steps);

/// <summary>One step's machine data inside <see cref="PlanExtra"/>.</summary>
internal sealed record PlanStepExtra(
    string Id,
    ActionKind Action,
    string Tool,
    List<ToolArgument> Arguments,
    PlannedAmount? Amount,
    int MaxRetries,
    List<RecoveryHint> Alternates);
