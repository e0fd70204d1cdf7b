namespace Reev.Cluster.Flows.Ledger;

/// <summary>SPL token account data: mint, owning wallet, amount in base units.</summary>
public sealed record TokenAccountSnapshot(string Mint, string Owner, ulong Amount);
