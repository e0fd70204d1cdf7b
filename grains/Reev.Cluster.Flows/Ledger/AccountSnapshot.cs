namespace Reev.Cluster.Flows.Ledger;

/// <summary>An account: lamports, owning program, and token data for SPL token accounts.</summary>
public sealed record AccountSnapshot(string Pubkey, string Owner, ulong Lamports, TokenAccountSnapshot? Token);
