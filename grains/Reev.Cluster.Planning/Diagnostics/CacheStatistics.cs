namespace Reev.Cluster.Planning.Diagnostics;

/// <summary>Hits and misses of one cache since it was created.</summary>
public readonly record struct CacheStatistics(long Hits, long Misses)
{
    public long Lookups => Hits + Misses;

    /// <summary>Hits / lookups, 0 when nothing was looked up.</summary>
    public double HitRate => Lookups == 0 ? 0 : (double)Hits / Lookups;
}
