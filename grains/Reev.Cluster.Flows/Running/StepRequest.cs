using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Running;

/// <summary>
/// Everything needed to run one step attempt from serializable state (a step grain stores this).
/// </summary>
/// <param name="Document">The flow document (placeholders as written; <paramref name="KeyMap"/> resolves them).</param>
/// <param name="StepIndex">1-based step; 1 for a single-prompt document.</param>
/// <param name="KeyMap">The run's placeholder map (from <see cref="FlowPreparation.Prepare"/>).</param>
/// <param name="Ledger">Ledger state before the step.</param>
/// <param name="AgentName">Agent registry name.</param>
/// <param name="FaultSpec">Fault specification (<see cref="Ledger.FaultSpec"/> grammar), or null for none.</param>
/// <param name="Seed">Seed of the fault decisions and signatures.</param>
/// <param name="Attempt">1-based attempt number (scripted faults count attempts).</param>
/// <param name="PromptOverride">A prompt to run instead of the document's step prompt (planner-rendered steps).</param>
/// <param name="AmountOverride">Base units for the step's main action (reduced-amount alternates).</param>
/// <param name="AmountScale">Factor on the prompt's amount, e.g. 0.5, when no override is given.</param>
/// <param name="Venue">"jupiter" (default) or "raydium".</param>
/// <param name="PreviousReceived">Mint → base units received by earlier steps ("deposit what I received").</param>
/// <param name="Journal">What earlier attempts of this step already did (a retry); their calls are replayed, not run again.
/// Built for each attempt from the step's stored attempts, so never stored itself.</param>
public sealed record StepRequest(
    FlowDocument Document,
    int StepIndex,
    KeyMap KeyMap,
    LedgerSnapshot Ledger,
    string AgentName,
    string? FaultSpec = null,
    int Seed = 0,
    int Attempt = 1,
    string? PromptOverride = null,
    ulong? AmountOverride = null,
    decimal? AmountScale = null,
    string? Venue = null,
    IReadOnlyDictionary<string, ulong>? PreviousReceived = null,
    [property: System.Text.Json.Serialization.JsonIgnore] ToolJournal? Journal = null);
