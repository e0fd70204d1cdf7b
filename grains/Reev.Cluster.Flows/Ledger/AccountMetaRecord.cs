namespace Reev.Cluster.Flows.Ledger;

/// <summary>An account meta of an instruction.</summary>
public sealed record AccountMetaRecord(string Pubkey, bool IsSigner, bool IsWritable);
