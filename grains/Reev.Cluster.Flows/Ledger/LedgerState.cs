using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>The mutable state of a <see cref="SimulatedLedger"/>; cloned for transaction rollback.</summary>
internal sealed class LedgerState
{
    public long Slot { get; set; }

    public long TransactionCount { get; set; }

    public Dictionary<string, AccountState> Accounts { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, PoolState> Pools { get; } = new(StringComparer.Ordinal);

    public Dictionary<(string Owner, string AssetMint), ulong> Positions { get; } = [];

    /// <summary>
    /// The default pools: jlUSDC over 1,000,000 USDC (5.20% supply APY), jlUSDT over 1,000,000 USDT (4.80%),
    /// jlSOL over 10,000 SOL (7.10%); each starts at an exchange rate of exactly 1.0.
    /// </summary>
    public static LedgerState Genesis()
    {
        var state = new LedgerState();
        state.Pools[TokenCatalog.UsdcMint] = new PoolState(TokenCatalog.UsdcMint, TokenCatalog.JlUsdcMint, 1_000_000_000_000, 1_000_000_000_000, 520, 0);
        state.Pools[TokenCatalog.UsdtMint] = new PoolState(TokenCatalog.UsdtMint, TokenCatalog.JlUsdtMint, 1_000_000_000_000, 1_000_000_000_000, 480, 0);
        state.Pools[TokenCatalog.SolMint] = new PoolState(TokenCatalog.SolMint, TokenCatalog.JlSolMint, 10_000_000_000_000, 10_000_000_000_000, 710, 0);
        return state;
    }

    public static LedgerState From(LedgerSnapshot snapshot)
    {
        var state = new LedgerState { Slot = snapshot.Slot, TransactionCount = snapshot.TransactionCount };
        foreach (var account in snapshot.Accounts)
        {
            state.Accounts[account.Pubkey] = new AccountState(
                account.Owner,
                account.Lamports,
                account.Token is { } token ? new TokenState(token.Mint, token.Owner, token.Amount) : null);
        }

        foreach (var pool in snapshot.Pools)
        {
            state.Pools[pool.AssetMint] = new PoolState(pool.AssetMint, pool.ShareMint, pool.TotalAssets, pool.TotalShares, pool.SupplyRateBps, pool.LastAccrualSlot);
        }

        foreach (var position in snapshot.Positions)
        {
            state.Positions[(position.Owner, position.AssetMint)] = position.NetDeposited;
        }

        return state;
    }

    public LedgerState Clone()
    {
        var clone = new LedgerState { Slot = Slot, TransactionCount = TransactionCount };
        foreach (var (key, account) in Accounts)
        {
            clone.Accounts[key] = account.Clone();
        }

        foreach (var (key, pool) in Pools)
        {
            clone.Pools[key] = pool.Clone();
        }

        foreach (var (key, basis) in Positions)
        {
            clone.Positions[key] = basis;
        }

        return clone;
    }

    public LedgerSnapshot ToSnapshot() => new(
        Slot,
        TransactionCount,
        new EquatableArray<AccountSnapshot>(Accounts.OrderBy(static a => a.Key, StringComparer.Ordinal).Select(static a => a.Value.ToSnapshot(a.Key))),
        new EquatableArray<LendingPoolSnapshot>(Pools.Values.OrderBy(static p => p.AssetMint, StringComparer.Ordinal).Select(static p => p.ToSnapshot())),
        new EquatableArray<LendingPositionSnapshot>(Positions
            .OrderBy(static p => p.Key.Owner, StringComparer.Ordinal)
            .ThenBy(static p => p.Key.AssetMint, StringComparer.Ordinal)
            .Select(static p => new LendingPositionSnapshot(p.Key.Owner, p.Key.AssetMint, p.Value))));
}
