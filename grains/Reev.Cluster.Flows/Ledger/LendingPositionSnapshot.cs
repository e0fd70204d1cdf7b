namespace Reev.Cluster.Flows.Ledger;

/// <summary>The net assets a user put into a pool (deposits − withdrawals): the cost basis for earnings.</summary>
public sealed record LendingPositionSnapshot(string Owner, string AssetMint, ulong NetDeposited);
