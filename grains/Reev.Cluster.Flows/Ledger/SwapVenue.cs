namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// A simulated swap venue. Output = input value × (1 − fee) × (1 − impact), impact = v / (v + depth)
/// (constant-product-like, grows with size); trades above <see cref="MaxTradeUsd"/> fail for liquidity.
/// </summary>
/// <param name="Name">"jupiter" or "raydium".</param>
/// <param name="ProgramId">Program executing the swap.</param>
/// <param name="FeeBps">Venue fee in basis points.</param>
/// <param name="DepthUsd">Liquidity depth used for price impact.</param>
/// <param name="MaxTradeUsd">Largest trade the venue can route.</param>
public sealed record SwapVenue(string Name, string ProgramId, int FeeBps, decimal DepthUsd, decimal MaxTradeUsd)
{
    public const string JupiterName = "jupiter";
    public const string RaydiumName = "raydium";

    /// <summary>Jupiter v6 aggregator: 20 bps, deep.</summary>
    public static SwapVenue Jupiter { get; } = new(JupiterName, ProgramIds.JupiterSwap, 20, 50_000_000m, 5_000_000m);

    /// <summary>The alternate venue (Raydium AMM v4 program id): 25 bps, shallower.</summary>
    public static SwapVenue Raydium { get; } = new(RaydiumName, ProgramIds.RaydiumAmm, 25, 5_000_000m, 500_000m);

    /// <summary>The venue of a name (case-insensitive); null or empty means Jupiter.</summary>
    public static SwapVenue? Find(string? name) => string.IsNullOrWhiteSpace(name) || name.Equals(JupiterName, StringComparison.OrdinalIgnoreCase)
        ? Jupiter
        : name.Equals(RaydiumName, StringComparison.OrdinalIgnoreCase) ? Raydium : null;

    /// <summary>Quoted output in base units, before any execution drift.</summary>
    public ulong Quote(TokenInfo input, TokenInfo output, ulong amount, out decimal priceImpact)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var valueUsd = input.ValueUsd(amount);
        priceImpact = valueUsd / (valueUsd + DepthUsd);
        var outUsd = valueUsd * (1m - (FeeBps / 10_000m)) * (1m - priceImpact);
        return (ulong)decimal.Floor(outUsd / output.PriceUsd * output.UnitsPerToken);
    }
}
