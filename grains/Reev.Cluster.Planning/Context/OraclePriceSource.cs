using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Context;

/// <summary>Prices from the Flows price oracle (<see cref="TokenCatalog"/>): SOL 150, USDC 1, …</summary>
public sealed class OraclePriceSource : IPriceSource
{
    public static OraclePriceSource Instance { get; } = new();

    public bool TryGetPriceUsd(string mint, out decimal priceUsd)
    {
        if (TokenCatalog.FindByMint(mint) is { } token)
        {
            priceUsd = token.PriceUsd;
            return true;
        }

        priceUsd = 0m;
        return false;
    }
}
