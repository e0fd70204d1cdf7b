using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Bridge;

/// <summary>A planned prompt, ready to run.</summary>
/// <param name="Mode">How it was produced.</param>
/// <param name="Plan">The plan (in bridge mode: read back from the loaded file).</param>
/// <param name="Document">The flow document: run it like any flow file (<c>FlowPreparation.Prepare</c> builds a fresh
/// ledger from its <c>initial_state</c>), or with <paramref name="DirectKeyMap"/> on <paramref name="Ledger"/>.</param>
/// <param name="DirectKeyMap">Placeholders → the real wallet and its token accounts on <paramref name="Ledger"/>.</param>
/// <param name="Ledger">The ledger state the plan was resolved against.</param>
/// <param name="Yaml">The flow file text in bridge mode; null in direct mode.</param>
/// <param name="BridgeFile">The temporary file bridge mode wrote and removed; null in direct mode.</param>
public sealed record PlannedFlow(
    PlanningMode Mode,
    FlowPlan Plan,
    FlowDocument Document,
    KeyMap DirectKeyMap,
    LedgerSnapshot Ledger,
    string? Yaml,
    string? BridgeFile);
