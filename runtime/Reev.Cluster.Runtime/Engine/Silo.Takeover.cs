using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// Messages whose turn may have killed their silo (DESIGN R4: a message that keeps failing never blocks its grain). A turn
/// that ends its process (a fail-fast, a stack overflow, running out of memory) records no failed attempt: the next owner
/// of the partition would run it again, die the same way, and so on for ever. So when a silo claims a partition whose
/// previous owner's lease ran out (it died, or hangs; or that owner's id was restarted and its new incarnation's heartbeat
/// released the partition, orphaned; not a partition handed over gracefully, nor one never owned), the
/// head message of each of its grains, as the first sweep after the claim delivers them, may have been in a turn when
/// that owner died: before it runs, one attempt is counted for it and committed (the group commit batches those of many
/// grains into one fenced UPDATE), and it is dead-lettered instead of run once that reaches
/// <see cref="SiloOptions.MaxAttempts"/>. A message that was only waiting is charged too: a delivery that ended with its
/// silo dead counts. Nothing of this runs while no partition was taken over.
/// </summary>
public sealed partial class Silo
{
    internal const string TakeoverAttemptError =
        "its silo died while it was the next message of its grain (the partition's lease expired): a delivery that ended with its silo dead counts as a failed attempt";

    // Partitions taken from an expired owner whose first sweep has not been read whole yet; under _knownLock.
    private readonly Dictionary<int, TakeoverMark> _takeovers = [];

    // Head messages of those partitions' grains that owe one attempt before they run, by id, with their lease; under _knownLock.
    private readonly Dictionary<long, PartitionLease> _takeoverCharges = [];
    private int _takeoverCount;

    /// <summary>Marks partitions just claimed from an expired owner; called with <see cref="MarkSyncing"/>, before they are added.</summary>
    private void MarkTakenOver(IEnumerable<PartitionLease> leases)
    {
        lock (_knownLock)
        {
            foreach (var lease in leases)
            {
                _takeovers[lease.Partition] = new TakeoverMark(lease.Epoch, _sweepsStarted, []);
            }

            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
        }
    }

    /// <summary>
    /// Notes, among a page of <paramref name="sweep"/>, the first message of each grain of a partition taken over: the sweep
    /// reads in id order, so that is the grain's head. Whether the page's dispatch accepts it or not: a refused message comes
    /// back with a later sweep and owes its attempt all the same.
    /// </summary>
    private void NoteTakeoverHeads(IReadOnlyList<StoredMessage> rows, long sweep)
    {
        if (sweep == 0 || Volatile.Read(ref _takeoverCount) == 0)
        {
            return;
        }

        lock (_knownLock)
        {
            if (_takeovers.Count == 0)
            {
                return;
            }

            foreach (var row in rows)
            {
                if (_takeovers.TryGetValue(row.Partition, out var mark) && sweep > mark.Since && mark.Seen.Add(row.Grain))
                {
                    _takeoverCharges[row.Id] = new PartitionLease(row.Partition, mark.Epoch);
                }
            }

            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
        }
    }

    /// <summary>A complete sweep that started after a takeover has seen every head of the partition: its mark goes.</summary>
    private void EndTakeoverSweep(long sweep, ISet<int> read)
    {
        if (Volatile.Read(ref _takeoverCount) == 0)
        {
            return;
        }

        lock (_knownLock)
        {
            foreach (var partition in _takeovers.Where(kv => kv.Value.Since < sweep && read.Contains(kv.Key)).Select(kv => kv.Key).ToList())
            {
                _takeovers.Remove(partition);
            }

            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
        }
    }

    /// <summary>Whether the message owes an attempt for a takeover of its partition at this activation's epoch; taken once.</summary>
    private bool TakeTakeoverCharge(Activation activation, StoredMessage message)
    {
        if (Volatile.Read(ref _takeoverCount) == 0)
        {
            return false;
        }

        lock (_knownLock)
        {
            if (!_takeoverCharges.TryGetValue(message.Id, out var lease))
            {
                return false;
            }

            _takeoverCharges.Remove(message.Id);
            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
            return lease == new PartitionLease(activation.Partition, activation.Epoch);
        }
    }

    /// <summary>The charge's commit was rolled back for a passing reason (nothing was written): it is owed again.</summary>
    private void ReturnTakeoverCharge(Activation activation, StoredMessage message)
    {
        lock (_knownLock)
        {
            _takeoverCharges[message.Id] = new PartitionLease(activation.Partition, activation.Epoch);
            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
        }
    }

    /// <summary>Leases this silo no longer holds: their takeover marks and charges go with them.</summary>
    private void ForgetTakeovers(IReadOnlyCollection<PartitionLease> leases)
    {
        if (Volatile.Read(ref _takeoverCount) == 0)
        {
            return;
        }

        var set = leases as ISet<PartitionLease> ?? leases.ToHashSet();
        lock (_knownLock)
        {
            foreach (var partition in _takeovers.Where(kv => set.Contains(new PartitionLease(kv.Key, kv.Value.Epoch))).Select(kv => kv.Key).ToList())
            {
                _takeovers.Remove(partition);
            }

            foreach (var id in _takeoverCharges.Where(kv => set.Contains(kv.Value)).Select(kv => kv.Key).ToList())
            {
                _takeoverCharges.Remove(id);
            }

            Volatile.Write(ref _takeoverCount, _takeovers.Count + _takeoverCharges.Count);
        }
    }

    /// <summary>
    /// Counts the attempt a message owes for the takeover of its partition, before it runs: null once that is committed and
    /// the message may run; otherwise the outcome that ends this processing (a dead letter when the attempts are exhausted).
    /// </summary>
    private async Task<CommitStatus?> ChargeTakeoverAsync(Activation activation, StoredMessage message, int attempts)
    {
        RuntimeLog.TakeoverAttemptCounted(_logger, activation.Id.ToString(), message.Method, message.Id, attempts, Options.MaxAttempts);
        var ended = attempts >= Options.MaxAttempts
            ? await DeadLetterAsync(activation, message, attempts, $"attempts exhausted: {TakeoverAttemptError}").ConfigureAwait(false)
            : await RecordFailedAttemptAsync(activation, message, attempts, TakeoverAttemptError).ConfigureAwait(false);
        if (ended == CommitStatus.Retry)
        {
            ReturnTakeoverCharge(activation, message);
        }

        return ended;
    }

    /// <summary>A partition taken over at <see cref="Epoch"/>, marked when <see cref="Since"/> sweeps had started; the grains whose head was seen.</summary>
    private sealed record TakeoverMark(long Epoch, long Since, HashSet<GrainId> Seen);
}
