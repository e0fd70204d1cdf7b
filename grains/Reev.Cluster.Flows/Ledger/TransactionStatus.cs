namespace Reev.Cluster.Flows.Ledger;

/// <summary>Outcome of a transaction.</summary>
public enum TransactionStatus
{
    Success = 0,
    Failed = 1,
}
