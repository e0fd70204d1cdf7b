namespace Reev.Cluster.Planning.Context;

/// <summary>Where prices come from (the simulation's price oracle); the resolver caches its answers.</summary>
public interface IPriceSource
{
    /// <summary>The USD price of one whole token of <paramref name="mint"/>, when known.</summary>
    bool TryGetPriceUsd(string mint, out decimal priceUsd);
}
