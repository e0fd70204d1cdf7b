namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// A Jupiter Lend Earn pool: the exchange rate is <c>TotalAssets / TotalShares</c>; interest accrues
/// per slot at <c>SupplyRateBps</c> (annual) and raises the rate.
/// </summary>
public sealed record LendingPoolSnapshot(
    string AssetMint,
    string ShareMint,
    ulong TotalAssets,
    ulong TotalShares,
    int SupplyRateBps,
    long LastAccrualSlot);
