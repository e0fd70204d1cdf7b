using System.ComponentModel.DataAnnotations;

namespace Reev.Cluster.Planning;

/// <summary>Prompt planning settings (section <c>Reev:Planning</c>).</summary>
public sealed class PlanningOptions
{
    public const string SectionName = "Reev:Planning";

    /// <summary>Default <see cref="BalanceCacheTtl"/>: 300 s (the reference's wallet cache).</summary>
    public static readonly TimeSpan DefaultBalanceCacheTtl = TimeSpan.FromSeconds(300);

    /// <summary>Default <see cref="PriceCacheTtl"/>: 30 s (the reference's price cache).</summary>
    public static readonly TimeSpan DefaultPriceCacheTtl = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="CacheCapacity"/>.</summary>
    public const int DefaultCacheCapacity = 1024;

    /// <summary>How long a wallet's balances read from a ledger state are reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan BalanceCacheTtl { get; set; } = DefaultBalanceCacheTtl;

    /// <summary>How long an oracle price is reused.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan PriceCacheTtl { get; set; } = DefaultPriceCacheTtl;

    /// <summary>Entries per cache before the oldest are evicted.</summary>
    [Range(1, 1_000_000)]
    public int CacheCapacity { get; set; } = DefaultCacheCapacity;

    /// <summary>Start each plan with a non-critical <c>get_account_balance</c> step (as the reference does).</summary>
    public bool IncludeBalanceCheck { get; set; } = true;

    /// <summary>End each plan that lends, withdraws, mints or redeems with a non-critical position check.</summary>
    public bool IncludePositionsCheck { get; set; } = true;

    /// <summary>Directory of bridge-mode flow files; the system temp directory when empty.</summary>
    public string? BridgeDirectory { get; set; }
}
