namespace Reev.Cluster.Flows.Ledger;

/// <summary>Mutable lending pool inside a <see cref="SimulatedLedger"/>.</summary>
internal sealed class PoolState(string assetMint, string shareMint, ulong totalAssets, ulong totalShares, int supplyRateBps, long lastAccrualSlot)
{
    public string AssetMint { get; } = assetMint;

    public string ShareMint { get; } = shareMint;

    public ulong TotalAssets { get; set; } = totalAssets;

    public ulong TotalShares { get; set; } = totalShares;

    public int SupplyRateBps { get; } = supplyRateBps;

    public long LastAccrualSlot { get; set; } = lastAccrualSlot;

    public PoolState Clone() => new(AssetMint, ShareMint, TotalAssets, TotalShares, SupplyRateBps, LastAccrualSlot);

    public LendingPoolSnapshot ToSnapshot() => new(AssetMint, ShareMint, TotalAssets, TotalShares, SupplyRateBps, LastAccrualSlot);
}
