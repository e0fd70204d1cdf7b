using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Running;

/// <summary>The report of a whole flow run.</summary>
/// <param name="FlowId">Document id.</param>
/// <param name="AgentName">Agent used.</param>
/// <param name="Seed">Seed of keys, faults and signatures.</param>
/// <param name="KeyMap">Placeholder map of the run.</param>
/// <param name="Steps">Step outcomes in order (the last attempt of each step).</param>
/// <param name="InitialLedger">Ledger before the first step.</param>
/// <param name="FinalLedger">Ledger after the last step.</param>
/// <param name="Balances">Per placeholder: initial and final lamports and token amount.</param>
/// <param name="Score">Every score component.</param>
/// <param name="DurationMs">Wall-clock duration.</param>
public sealed record FlowRunReport(
    string FlowId,
    string AgentName,
    int Seed,
    KeyMap KeyMap,
    EquatableArray<StepOutcome> Steps,
    LedgerSnapshot InitialLedger,
    LedgerSnapshot FinalLedger,
    EquatableArray<PlaceholderBalance> Balances,
    ScoreReport Score,
    double DurationMs);
