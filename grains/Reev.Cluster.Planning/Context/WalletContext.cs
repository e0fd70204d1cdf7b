using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Planning.Context;

/// <summary>What the planner knows about a wallet: balances read from the ledger and oracle prices.</summary>
/// <param name="Wallet">The wallet address.</param>
/// <param name="Lamports">Native SOL balance.</param>
/// <param name="Tokens">SPL token holdings, ordered by symbol.</param>
/// <param name="Prices">Oracle prices of every known token, ordered by symbol.</param>
/// <param name="ResolvedAt">When the balances were read (from the cache's clock).</param>
public sealed record WalletContext(
    string Wallet,
    ulong Lamports,
    EquatableArray<TokenBalance> Tokens,
    EquatableArray<TokenPrice> Prices,
    DateTimeOffset ResolvedAt)
{
    /// <summary>Base units held of a token symbol: lamports for SOL, 0 when none is held or the symbol is unknown.</summary>
    public ulong BalanceOf(string symbol)
    {
        var token = TokenCatalog.FindBySymbol(symbol);
        if (token is null)
        {
            return 0;
        }

        if (token.Mint == TokenCatalog.SolMint)
        {
            return Lamports;
        }

        foreach (var balance in Tokens)
        {
            if (balance.Mint == token.Mint)
            {
                return balance.Amount;
            }
        }

        return 0;
    }

    /// <summary>The USD price of a symbol, when the oracle gave one.</summary>
    public decimal? PriceOf(string symbol)
    {
        var token = TokenCatalog.FindBySymbol(symbol);
        foreach (var price in Prices)
        {
            if (token is not null && price.Mint == token.Mint)
            {
                return price.PriceUsd;
            }
        }

        return null;
    }

    /// <summary>SOL plus tokens at oracle prices.</summary>
    public decimal TotalValueUsd
    {
        get
        {
            var total = Lamports / 1_000_000_000m * (PriceOf("SOL") ?? 0m);
            foreach (var balance in Tokens)
            {
                var price = PriceOf(balance.Symbol) ?? 0m;
                total += balance.Amount / Pow10(balance.Decimals) * price;
            }

            return total;
        }
    }

    private static decimal Pow10(int decimals)
    {
        var result = 1m;
        for (var i = 0; i < decimals; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
