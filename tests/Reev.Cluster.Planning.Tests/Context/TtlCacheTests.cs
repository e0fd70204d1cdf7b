using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Context;

/// <summary>The planner's bounded time-to-live cache: what it keeps, what it evicts first, and that it stays bounded.</summary>
public sealed class TtlCacheTests : IDisposable
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new(PlannerFixture.Start);
    private readonly PlanningMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void Full_EvictsTheOldestWrittenFirst()
    {
        var cache = NewCache(capacity: 3);
        var loads = new List<int>();
        foreach (var key in new[] { 1, 2, 3 })
        {
            Get(cache, key, loads);
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Get(cache, 4, loads); // full: 1, the oldest, goes

        Assert.Equal(3, cache.Count);
        loads.Clear();
        Get(cache, 2, loads);
        Get(cache, 3, loads);
        Get(cache, 4, loads);
        Assert.Empty(loads); // all three still cached
        Get(cache, 1, loads);
        Assert.Equal([1], loads); // evicted: loaded again
    }

    [Fact]
    public void KeyWrittenAgainAfterExpiry_CountsFromItsNewWrite()
    {
        var cache = NewCache(capacity: 2);
        var loads = new List<int>();
        Get(cache, 1, loads);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Get(cache, 2, loads);
        _clock.Advance(Ttl); // 1 and 2 expired
        Get(cache, 1, loads); // written again: now the newest
        _clock.Advance(TimeSpan.FromSeconds(1));
        Get(cache, 3, loads); // full: 2 (expired) goes, 1 stays

        loads.Clear();
        Get(cache, 1, loads);
        Get(cache, 3, loads);
        Assert.Empty(loads);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Full_DropsEveryExpiredEntryBeforeAnyLiveOne()
    {
        var cache = NewCache(capacity: 4);
        var loads = new List<int>();
        Get(cache, 1, loads);
        Get(cache, 2, loads);
        _clock.Advance(TimeSpan.FromSeconds(5));
        Get(cache, 3, loads);
        Get(cache, 4, loads);
        _clock.Advance(TimeSpan.FromSeconds(6)); // 1 and 2 expired, 3 and 4 live

        Get(cache, 5, loads);

        Assert.Equal(3, cache.Count);
        loads.Clear();
        Get(cache, 3, loads);
        Get(cache, 4, loads);
        Get(cache, 5, loads);
        Assert.Empty(loads);
    }

    [Fact]
    public void ManyMissesOverFewKeys_StaysWithinItsCapacityAndKeepsTheNewest()
    {
        var cache = NewCache(capacity: 8);
        var loads = new List<int>();
        for (var round = 0; round < 200; round++)
        {
            for (var key = 0; key < 12; key++)
            {
                Get(cache, key, loads);
                Assert.True(cache.Count <= 8, $"round {round}, key {key}: {cache.Count} entries in a cache of 8");
            }

            _clock.Advance(Ttl); // everything expires: every key is written again next round
        }

        loads.Clear();
        for (var key = 4; key < 12; key++)
        {
            Get(cache, key, loads);
        }

        Assert.Equal(8, cache.Count);
        Assert.Equal(8, loads.Count); // the last round's entries expired with the clock's last move
    }

    [Fact]
    public void Clear_EmptiesItAndItFillsAgain()
    {
        var cache = NewCache(capacity: 2);
        var loads = new List<int>();
        Get(cache, 1, loads);
        Get(cache, 2, loads);
        cache.Clear();
        Assert.Equal(0, cache.Count);

        Get(cache, 3, loads);
        Get(cache, 4, loads);
        Get(cache, 5, loads); // full: 3 goes

        loads.Clear();
        Get(cache, 4, loads);
        Get(cache, 5, loads);
        Assert.Empty(loads);
        Assert.Equal(2, cache.Count);
    }

    private TtlCache<int, string> NewCache(int capacity) => new("test", Ttl, capacity, _clock, _metrics);

    private static string Get(TtlCache<int, string> cache, int key, List<int> loads) =>
        cache.GetOrAdd(key, loads, static (k, l) =>
        {
            l.Add(k);
            return $"value {k}";
        });
}
