using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>The partitions this silo currently owns and dispatches, with their epochs.</summary>
internal sealed class PartitionTable
{
    private readonly ConcurrentDictionary<int, long> _active = new();

    public int Count => _active.Count;

    public bool TryGetEpoch(int partition, out long epoch) => _active.TryGetValue(partition, out epoch);

    public bool IsOwned(int partition) => _active.ContainsKey(partition);

    public IReadOnlyList<PartitionLease> Leases =>
        _active.Select(kv => new PartitionLease(kv.Key, kv.Value)).OrderBy(l => l.Partition).ToList();

    public IReadOnlyCollection<int> Partitions => _active.Keys.ToList();

    public void Add(PartitionLease lease) => _active[lease.Partition] = lease.Epoch;

    /// <summary>Stops dispatching a partition; returns whether it was owned at that epoch.</summary>
    public bool Remove(int partition) => _active.TryRemove(partition, out _);

    public void Clear() => _active.Clear();
}
