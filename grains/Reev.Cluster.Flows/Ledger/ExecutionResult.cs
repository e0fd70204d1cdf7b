using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>A transaction's record and, when it failed, the typed failure.</summary>
public sealed record ExecutionResult(TransactionRecord Transaction, ToolError? Failure)
{
    public bool Succeeded => Failure is null;
}
