using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>Values a wallet in a ledger snapshot at the oracle prices; lending shares at their pool's exchange rate.</summary>
internal static class PortfolioValuation
{
    /// <summary>USD value of the wallet's SOL, its token accounts and its lending shares.</summary>
    public static decimal TotalUsd(LedgerSnapshot ledger, string wallet) => LiquidUsd(ledger, wallet) + LentUsd(ledger, wallet);

    /// <summary>USD value of the wallet's SOL and directly held (not lent) tokens.</summary>
    public static decimal LiquidUsd(LedgerSnapshot ledger, string wallet)
    {
        var sol = TokenCatalog.FindByMint(TokenCatalog.SolMint)!;
        var total = sol.ValueUsd(ledger.LamportsOf(wallet));
        foreach (var (token, amount) in Holdings(ledger, wallet))
        {
            if (!token.IsLendingShare)
            {
                total += token.ValueUsd(amount);
            }
        }

        return total;
    }

    /// <summary>USD value of stable tokens (USDC, USDT) held directly.</summary>
    public static decimal StableUsd(LedgerSnapshot ledger, string wallet) =>
        Holdings(ledger, wallet).Where(static h => h.Token is { IsStable: true, IsLendingShare: false }).Sum(static h => h.Token.ValueUsd(h.Amount));

    /// <summary>USD value of the wallet's lending shares at their pools' exchange rates.</summary>
    public static decimal LentUsd(LedgerSnapshot ledger, string wallet)
    {
        decimal total = 0;
        foreach (var (token, amount) in Holdings(ledger, wallet))
        {
            if (token.IsLendingShare)
            {
                total += TokenCatalog.FindByMint(token.UnderlyingMint!)!.ValueUsd(UnderlyingOf(ledger, token.UnderlyingMint!, amount));
            }
        }

        return total;
    }

    /// <summary>Pools (by asset mint) where the wallet holds shares.</summary>
    public static int PoolCount(LedgerSnapshot ledger, string wallet) =>
        Holdings(ledger, wallet).Where(static h => h.Token.IsLendingShare && h.Amount > 0).Select(static h => h.Token.UnderlyingMint).Distinct(StringComparer.Ordinal).Count();

    /// <summary>Assets that <paramref name="shares"/> of the pool of <paramref name="assetMint"/> are worth (rounded down).</summary>
    public static ulong UnderlyingOf(LedgerSnapshot ledger, string assetMint, ulong shares)
    {
        var pool = ledger.Pools.FirstOrDefault(p => p.AssetMint == assetMint);
        if (pool is null || pool.TotalShares == 0)
        {
            return shares;
        }

        return (ulong)((UInt128)shares * pool.TotalAssets / pool.TotalShares);
    }

    /// <summary>Token holdings of a wallet, summed per known mint.</summary>
    public static IEnumerable<(TokenInfo Token, ulong Amount)> Holdings(LedgerSnapshot ledger, string wallet) =>
        ledger.Accounts
            .Where(a => a.Token is { } t && t.Owner == wallet)
            .GroupBy(static a => a.Token!.Mint, StringComparer.Ordinal)
            .Select(static g => (Token: TokenCatalog.FindByMint(g.Key), Amount: g.Aggregate(0UL, static (sum, a) => sum + a.Token!.Amount)))
            .Where(static h => h.Token is not null)
            .Select(static h => (h.Token!, h.Amount));
}
