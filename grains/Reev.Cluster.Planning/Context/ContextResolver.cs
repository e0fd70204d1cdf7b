using System.Diagnostics;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Planning.Diagnostics;

namespace Reev.Cluster.Planning.Context;

/// <summary>
/// Reads a wallet's balances from a ledger state and token prices from the oracle, with caches
/// (balances 300 s and prices 30 s by default) whose hit rates are reported.
/// Balances are keyed by wallet and ledger state, so a cached answer is never one of another ledger.
/// </summary>
public sealed class ContextResolver
{
    private readonly TimeProvider _time;
    private readonly IPriceSource _prices;
    private readonly TtlCache<BalanceKey, (ulong Lamports, EquatableArray<TokenBalance> Tokens, DateTimeOffset ReadAt)> _balanceCache;
    private readonly TtlCache<string, decimal?> _priceCache;

    public ContextResolver(TimeProvider timeProvider, PlanningMetrics metrics, PlanningOptions? options = null, IPriceSource? prices = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(metrics);
        options ??= new PlanningOptions();
        _time = timeProvider;
        _prices = prices ?? OraclePriceSource.Instance;
        _balanceCache = new(CacheName.Balances, options.BalanceCacheTtl, options.CacheCapacity, timeProvider, metrics);
        _priceCache = new(CacheName.Prices, options.PriceCacheTtl, options.CacheCapacity, timeProvider, metrics);
    }

    public CacheStatistics BalanceCache => _balanceCache.Statistics;

    public CacheStatistics PriceCache => _priceCache.Statistics;

    /// <summary>The wallet's balances on <paramref name="ledger"/> and the prices of every known token.</summary>
    public WalletContext Resolve(LedgerSnapshot ledger, string wallet)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(wallet);
        using var activity = PlanningTelemetry.Source.StartActivity("resolve context", ActivityKind.Internal);
        var balances = _balanceCache.GetOrAdd(new BalanceKey(wallet, ledger), _time, static (key, time) => ReadBalances(key, time));
        var prices = new List<TokenPrice>();
        foreach (var token in TokenCatalog.All.OrderBy(static t => t.Symbol, StringComparer.Ordinal))
        {
            if (PriceOfMint(token.Mint) is { } price)
            {
                prices.Add(new TokenPrice(token.Symbol, token.Mint, price));
            }
        }

        return new WalletContext(wallet, balances.Lamports, balances.Tokens, new(prices), balances.ReadAt);
    }

    /// <summary>The cached oracle price of a symbol or mint.</summary>
    public decimal? PriceOf(string symbolOrMint)
    {
        ArgumentNullException.ThrowIfNull(symbolOrMint);
        var mint = TokenCatalog.FindBySymbol(symbolOrMint)?.Mint ?? symbolOrMint;
        return PriceOfMint(mint);
    }

    public void ClearCaches()
    {
        _balanceCache.Clear();
        _priceCache.Clear();
    }

    private decimal? PriceOfMint(string mint) =>
        _priceCache.GetOrAdd(mint, _prices, static (m, source) => source.TryGetPriceUsd(m, out var price) ? price : null);

    private static (ulong, EquatableArray<TokenBalance>, DateTimeOffset) ReadBalances(BalanceKey key, TimeProvider time)
    {
        var byMint = new SortedDictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var account in key.Ledger.Accounts)
        {
            if (account.Token is { } token && token.Owner == key.Wallet)
            {
                byMint[token.Mint] = byMint.GetValueOrDefault(token.Mint) + token.Amount;
            }
        }

        var tokens = new List<TokenBalance>();
        foreach (var (mint, amount) in byMint)
        {
            var info = TokenCatalog.FindByMint(mint);
            tokens.Add(new TokenBalance(info?.Symbol ?? mint, mint, info?.Decimals ?? 0, amount));
        }

        tokens.Sort(static (a, b) => string.CompareOrdinal(a.Symbol, b.Symbol));
        return (key.Ledger.LamportsOf(key.Wallet), new(tokens), time.GetUtcNow());
    }

    private readonly record struct BalanceKey(string Wallet, LedgerSnapshot Ledger);
}
