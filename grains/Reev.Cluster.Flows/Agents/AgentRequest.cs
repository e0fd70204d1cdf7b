using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Agents;

/// <summary>What an agent gets for one step.</summary>
/// <param name="Prompt">The step prompt (placeholders as written; <see cref="KeyMap"/> resolves them).</param>
/// <param name="StepIndex">1-based step.</param>
/// <param name="KeyMap">Placeholder → address for this run.</param>
/// <param name="Tools">The tools bound to the step's ledger.</param>
/// <param name="Ledger">Read-only ledger view (balances).</param>
/// <param name="Hints">Recovery hints: amount override, venue, what earlier steps received.</param>
public sealed record AgentRequest(
    string Prompt,
    int StepIndex,
    KeyMap KeyMap,
    IToolInvoker Tools,
    ILedgerReader Ledger,
    AgentHints Hints);
