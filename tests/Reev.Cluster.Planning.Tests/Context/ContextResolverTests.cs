using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Context;

public sealed class ContextResolverTests
{
    private readonly ManualTimeProvider _clock = new(PlannerFixture.Start);
    private readonly string _wallet = Wallets.Address("context-wallet");

    [Fact]
    public void Resolve_ReadsRealBalancesAndOraclePrices()
    {
        var resolver = new ContextResolver(_clock, new PlanningMetrics());
        var ledger = Wallets.Ledger(_wallet, 5 * Wallets.LamportsPerSol, (TokenCatalog.UsdcMint, 1_000_000_000));

        var context = resolver.Resolve(ledger, _wallet);

        Assert.Equal(5 * Wallets.LamportsPerSol, context.Lamports);
        Assert.Equal(1_000_000_000UL, context.BalanceOf("usdc"));
        Assert.Equal(150m, context.PriceOf("SOL"));
        Assert.Equal(1750m, context.TotalValueUsd);
    }

    [Fact]
    public void Resolve_Repeated_ReportsBalanceAndPriceHitRates()
    {
        var resolver = new ContextResolver(_clock, new PlanningMetrics());
        var ledger = Wallets.Ledger(_wallet, Wallets.LamportsPerSol);

        for (var i = 0; i < 10; i++)
        {
            resolver.Resolve(ledger, _wallet);
        }

        Assert.Equal(new CacheStatistics(9, 1), resolver.BalanceCache);
        Assert.Equal(0.9, resolver.BalanceCache.HitRate, precision: 6);
        var tokens = TokenCatalog.All.Count;
        Assert.Equal(new CacheStatistics(9 * tokens, tokens), resolver.PriceCache);
    }

    [Fact]
    public void Resolve_AfterTtls_ReloadsPricesAt30SecondsAndBalancesAt300Seconds()
    {
        var resolver = new ContextResolver(_clock, new PlanningMetrics());
        var ledger = Wallets.Ledger(_wallet, Wallets.LamportsPerSol);
        resolver.Resolve(ledger, _wallet);

        _clock.Advance(TimeSpan.FromSeconds(31));
        resolver.Resolve(ledger, _wallet);

        Assert.Equal(1, resolver.BalanceCache.Hits);
        Assert.Equal(2 * TokenCatalog.All.Count, resolver.PriceCache.Misses);

        _clock.Advance(TimeSpan.FromSeconds(270));
        resolver.Resolve(ledger, _wallet);

        Assert.Equal(2, resolver.BalanceCache.Misses);
    }

    [Fact]
    public void Resolve_OtherLedgerState_IsNotServedFromTheCache()
    {
        var resolver = new ContextResolver(_clock, new PlanningMetrics());

        var before = resolver.Resolve(Wallets.Ledger(_wallet, Wallets.LamportsPerSol), _wallet);
        var after = resolver.Resolve(Wallets.Ledger(_wallet, 2 * Wallets.LamportsPerSol), _wallet);

        Assert.Equal(Wallets.LamportsPerSol, before.Lamports);
        Assert.Equal(2 * Wallets.LamportsPerSol, after.Lamports);
    }

    [Fact]
    public void Metrics_CacheInstruments_CountHitsAndMissesByCache()
    {
        using var metrics = new PlanningMetrics();
        var hits = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "reev.cluster.planning.cache.hits")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var cache = (string)tags[0].Value!;
            hits[cache] = hits.GetValueOrDefault(cache) + value;
        });
        listener.Start();
        var resolver = new ContextResolver(_clock, metrics);
        var ledger = Wallets.Ledger(_wallet, Wallets.LamportsPerSol);

        resolver.Resolve(ledger, _wallet);
        resolver.Resolve(ledger, _wallet);

        Assert.Equal(1, hits[CacheName.Balances]);
        Assert.Equal(TokenCatalog.All.Count, hits[CacheName.Prices]);
    }
}
