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

    /// <summary>
    /// Keys in the order they were written, each with the expiry it was written with: with one time-to-live for all
    /// entries that is also the order they expire in, so eviction takes from the front instead of scanning every entry.
    /// A key written again leaves its earlier record behind, recognised as stale by its expiry.
    /// </summary>
    private readonly Queue<(TKey Key, DateTimeOffset ExpiresAt)> _order = new();
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

            var expiresAt = now + _ttl;
            _entries[key] = (value, expiresAt);
            _order.Enqueue((key, expiresAt));
            if (_order.Count > (2 * _capacity) + 16)
            {
                Compact();
            }
        }

        return value;
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _order.Clear();
        }
    }

    /// <summary>Drops the expired entries and, while the cache is still full, the oldest: amortised O(1) a write.</summary>
    private void Evict(DateTimeOffset now)
    {
        while (_order.TryPeek(out var head))
        {
            if (!IsCurrent(head))
            {
                _order.Dequeue();
            }
            else if (head.ExpiresAt <= now || _entries.Count >= _capacity)
            {
                _order.Dequeue();
                _entries.Remove(head.Key);
            }
            else
            {
                break;
            }
        }
    }

    private bool IsCurrent((TKey Key, DateTimeOffset ExpiresAt) record) =>
        _entries.TryGetValue(record.Key, out var entry) && entry.ExpiresAt == record.ExpiresAt;

    /// <summary>Keys rewritten many times leave stale records: rebuilt from the entries when they outnumber them.</summary>
    private void Compact()
    {
        var live = new List<(TKey Key, DateTimeOffset ExpiresAt)>(_entries.Count);
        foreach (var record in _order)
        {
            if (IsCurrent(record))
            {
                live.Add(record);
            }
        }

        _order.Clear();
        foreach (var record in live)
        {
            _order.Enqueue(record);
        }
    }
}
