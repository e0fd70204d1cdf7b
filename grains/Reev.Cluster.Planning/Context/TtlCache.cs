using Reev.Cluster.Planning.Diagnostics;

namespace Reev.Cluster.Planning.Context;

/// <summary>
/// A small time-to-live cache driven by a <see cref="TimeProvider"/> (so tests move the clock), bounded in size,
/// counting hits and misses locally and on the planning meter.
/// </summary>
internal sealed class TtlCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, DateTimeOffset ExpiresAt)> _entries = [];
    private readonly Lock _gate = new();
    private readonly string _name;
    private readonly TimeSpan _ttl;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly PlanningMetrics _metrics;
    private long _hits;
    private long _misses;

    public TtlCache(string name, TimeSpan ttl, int capacity, TimeProvider time, PlanningMetrics metrics)
    {
        _name = name;
        _ttl = ttl;
        _capacity = Math.Max(1, capacity);
        _time = time;
        _metrics = metrics;
    }

    public CacheStatistics Statistics => new(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> load)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAt > now)
            {
                Interlocked.Increment(ref _hits);
                _metrics.CacheHit(_name);
                return entry.Value;
            }
        }

        Interlocked.Increment(ref _misses);
        _metrics.CacheMiss(_name);
        var value = load(key, state);
        lock (_gate)
        {
            if (_entries.Count >= _capacity && !_entries.ContainsKey(key))
            {
                Evict(now);
            }

            _entries[key] = (value, now + _ttl);
        }

        return value;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    private void Evict(DateTimeOffset now)
    {
        foreach (var key in _entries.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }

        if (_entries.Count >= _capacity)
        {
            var oldest = _entries.MinBy(static e => e.Value.ExpiresAt).Key;
            _entries.Remove(oldest);
        }
    }
}
