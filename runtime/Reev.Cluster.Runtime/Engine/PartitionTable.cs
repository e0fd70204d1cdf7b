using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>
/// The partitions this silo currently owns and dispatches, with their epochs. The lists of them are read by the fetch
/// and reminder loops at every wake and change only when partitions move: they are built once per change. A lease is a
/// partition at an epoch: a lease lost is removed only if it is the one held, and never comes back (DESIGN R3).
/// </summary>
internal sealed class PartitionTable
{
    private readonly ConcurrentDictionary<int, long> _active = new();
    private readonly Lock _changes = new();
    private readonly Dictionary<int, long> _acquired = []; // by partition, the newest epoch this process claimed; under _changes
    private readonly Dictionary<int, long> _lost = []; // by partition, the newest epoch seen lost; under _changes
    private readonly List<PartitionLease> _refusedWhileClosed = []; // under _changes
    private bool _closed; // the silo is stopping: nothing is added any more; under _changes
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

    /// <summary>
    /// Starts dispatching a lease this process claimed, or one of its own it holds again (see <see cref="IsAcquired"/>).
    /// Refused (false) at or below an epoch already seen lost for the partition, or below the epoch held now: a read of the
    /// store made before the loss must not bring the lease back.
    /// </summary>
    public bool Add(PartitionLease lease)
    {
        lock (_changes)
        {
            if (_closed)
            {
                // A balance that passed its state check before the stop began: the lease is this process's, and the stop
                // releases it with the others, but it is not dispatched again.
                _refusedWhileClosed.Add(lease);
                return false;
            }

            if ((_lost.TryGetValue(lease.Partition, out var lost) && lease.Epoch <= lost)
                || (_active.TryGetValue(lease.Partition, out var held) && lease.Epoch < held))
            {
                return false;
            }

            _active[lease.Partition] = lease.Epoch;
            _acquired[lease.Partition] = Math.Max(lease.Epoch, _acquired.GetValueOrDefault(lease.Partition));
            Changed();
            return true;
        }
    }

    /// <summary>
    /// Whether this process acquired the lease and has not seen it lost. The store names leases by silo id only: a lease
    /// under this id that this process never acquired belongs to another process under the same id (this one was paused
    /// past its lease and superseded), which it must neither use nor release.
    /// </summary>
    public bool IsAcquired(PartitionLease lease)
    {
        lock (_changes)
        {
            return _acquired.TryGetValue(lease.Partition, out var acquired) && acquired == lease.Epoch
                && !(_lost.TryGetValue(lease.Partition, out var lost) && lease.Epoch <= lost);
        }
    }

    /// <summary>
    /// The lease was lost (fenced, or another silo holds the partition now): stops dispatching the partition if it is held at
    /// that epoch, not at a newer one, and remembers the epoch so that it is never added back. Returns whether it was held.
    /// </summary>
    public bool Remove(PartitionLease lease)
    {
        lock (_changes)
        {
            _lost[lease.Partition] = Math.Max(lease.Epoch, _lost.GetValueOrDefault(lease.Partition));
            return RemoveHeld(lease);
        }
    }

    /// <summary>Stops dispatching a partition this silo hands over (it still holds the lease until the store releases it).</summary>
    public bool Release(PartitionLease lease)
    {
        lock (_changes)
        {
            return RemoveHeld(lease);
        }
    }

    /// <summary>
    /// Stops dispatching every partition for good (the silo is stopping): returns the leases held, and refuses (and
    /// remembers, see <see cref="RefusedWhileClosed"/>) every later <see cref="Add"/>.
    /// </summary>
    public IReadOnlyList<PartitionLease> Close()
    {
        lock (_changes)
        {
            _closed = true;
            PartitionLease[] held = [.. _active.Select(kv => new PartitionLease(kv.Key, kv.Value)).OrderBy(l => l.Partition)];
            _active.Clear();
            Changed();
            return held;
        }
    }

    /// <summary>Leases of this process refused because the table was closed: a stop releases them too.</summary>
    public IReadOnlyList<PartitionLease> RefusedWhileClosed
    {
        get
        {
            lock (_changes)
            {
                return [.. _refusedWhileClosed];
            }
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

    private bool RemoveHeld(PartitionLease lease)
    {
        if (!_active.TryRemove(new KeyValuePair<int, long>(lease.Partition, lease.Epoch)))
        {
            return false;
        }

        Changed();
        return true;
    }

    private void Changed()
    {
        Volatile.Write(ref _leases, null);
        Volatile.Write(ref _partitions, null);
    }
}
