using System.Text.Json.Serialization;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Running;

/// <summary>The result of one step attempt; serializable, stored by the step grain.</summary>
/// <param name="StepIndex">1-based step.</param>
/// <param name="Attempt">Attempt number.</param>
/// <param name="Prompt">The prompt the agent ran.</param>
/// <param name="AgentName">The agent.</param>
/// <param name="Status">Succeeded or failed.</param>
/// <param name="Ledger">Ledger state after the step (failed transactions still charge fees).</param>
/// <param name="ToolCalls">Tool calls with arguments, results and durations.</param>
/// <param name="Transactions">Transactions with instructions, status and logs.</param>
/// <param name="Error">The first error (kind, retryable, hint), when failed.</param>
/// <param name="Score">The step's score components.</param>
/// <param name="AgentText">The agent's final text.</param>
/// <param name="DurationMs">Wall-clock duration of the attempt.</param>
/// <param name="Received">Mint → base units the main wallet gained in this step (what later steps may use).</param>
public sealed record StepOutcome(
    int StepIndex,
    int Attempt,
    string Prompt,
    string AgentName,
    StepStatus Status,
    LedgerSnapshot Ledger,
    EquatableArray<ToolCallRecord> ToolCalls,
    EquatableArray<TransactionRecord> Transactions,
    ToolError? Error,
    StepScore Score,
    string AgentText,
    double DurationMs,
    IReadOnlyDictionary<string, ulong> Received)
{
    /// <summary>True when the step succeeded.</summary>
    public bool Succeeded => Status == StepStatus.Succeeded;

    /// <summary>Instructions of all transactions, in order (derived: not stored; the serializer writes read-only collections).</summary>
    [JsonIgnore]
    public IEnumerable<InstructionRecord> Instructions => Transactions.SelectMany(static t => t.Instructions);
}
