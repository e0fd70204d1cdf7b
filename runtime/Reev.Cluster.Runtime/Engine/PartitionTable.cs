using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>
/// The partitions this silo currently owns and dispatches, with their epochs. The lists of them are read by the fetch
/// and reminder loops at every wake and change only when partitions move: they are built once per change.
/// </summary>
internal sealed class PartitionTable
{
    private readonly ConcurrentDictionary<int, long> _active = new();
    private readonly Lock _changes = new();
    private PartitionLease[]? _leases; // null once changed, until read again
    private int[]? _partitions;

    public int Count => _active.Count;

    public bool TryGetEpoch(int partition, out long epoch) => _active.TryGetValue(partition, out epoch);

    public bool IsOwned(int partition) => _active.ContainsKey(partition);

    /// <summary>The owned partitions with their epochs, by partition: a snapshot that later changes do not touch.</summary>
    public IReadOnlyList<PartitionLease> Leases
    {
        get
        {
            if (Volatile.Read(ref _leases) is { } leases)
            {
                return leases;
            }

            lock (_changes)
            {
                return _leases ??= [.. _active.Select(kv => new PartitionLease(kv.Key, kv.Value)).OrderBy(l => l.Partition)];
            }
        }
    }

    /// <summary>The owned partitions: a snapshot that later changes do not touch.</summary>
    public IReadOnlyCollection<int> Partitions
    {
        get
        {
            if (Volatile.Read(ref _partitions) is { } partitions)
            {
                return partitions;
            }

            lock (_changes)
            {
                return _partitions ??= [.. _active.Keys];
            }
        }
    }

    public void Add(PartitionLease lease)
    {
        lock (_changes)
        {
            _active[lease.Partition] = lease.Epoch;
            Changed();
        }
    }

    /// <summary>Stops dispatching a partition; returns whether it was owned.</summary>
    public bool Remove(int partition)
    {
        lock (_changes)
        {
            var removed = _active.TryRemove(partition, out _);
            Changed();
            return removed;
        }
    }

    public void Clear()
    {
        lock (_changes)
        {
            _active.Clear();
            Changed();
        }
    }

    private void Changed()
    {
        Volatile.Write(ref _leases, null);
        Volatile.Write(ref _partitions, null);
    }
}
