namespace Reev.Cluster.Flows.Ledger;

/// <summary>A token the simulation knows: mint, symbol, decimals, oracle price in USD.</summary>
/// <param name="Mint">Mint address.</param>
/// <param name="Symbol">Symbol, e.g. USDC.</param>
/// <param name="Decimals">Mint decimals.</param>
/// <param name="PriceUsd">Oracle price of one whole token.</param>
/// <param name="UnderlyingMint">For jl-tokens: the asset they are shares of.</param>
/// <param name="IsStable">Counts as stable in LiquidityRatio.</param>
public sealed record TokenInfo(string Mint, string Symbol, int Decimals, decimal PriceUsd, string? UnderlyingMint, bool IsStable)
{
    /// <summary>True for Jupiter Lend Earn share tokens.</summary>
    public bool IsLendingShare => UnderlyingMint is not null;

    /// <summary>Base units per whole token.</summary>
    public decimal UnitsPerToken => Pow10(Decimals);

    /// <summary>USD value of an amount in base units.</summary>
    public decimal ValueUsd(ulong baseUnits) => baseUnits / UnitsPerToken * PriceUsd;

    internal static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
