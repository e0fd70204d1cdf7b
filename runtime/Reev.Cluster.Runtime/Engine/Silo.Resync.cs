using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// Resync marks (ADR 0002): grains and partitions whose older messages may still wait in the store unseen. Their messages
/// are dispatched only by a sweep that started after they were marked, so a newer message never overtakes an older one of
/// the same grain. A complete sweep that started after a mark ends it, and hands the messages refused while it ran to their
/// activations itself (see <see cref="ResyncMark"/>): a mark never outlives that sweep because the stream goes on.
/// </summary>
public sealed partial class Silo
{
    // All under _knownLock.
    private readonly Dictionary<GrainId, ResyncMark> _resync = [];
    private readonly Dictionary<int, ResyncMark> _syncing = [];
    private long _sweepsStarted;

    // Messages refused outside sweeps since the running sweep started, by grain: what its end hands over. At most
    // MaxQueuedMessages of them; past that none is kept, and the marks wait for a sweep without refusals.
    private readonly Dictionary<GrainId, List<StoredMessage>> _refusedInSweep = [];
    private int _refusedInSweepCount;
    private bool _refusedInSweepOverflow;

    /// <summary>Resync marks held right now (tests): partitions waiting for their first sweep, grains for theirs.</summary>
    internal (int Partitions, int Grains) ResyncMarks
    {
        get
        {
            lock (_knownLock)
            {
                return (_syncing.Count, _resync.Count);
            }
        }
    }

    /// <summary>Sweeps started so far (tests).</summary>
    internal long SweepsStarted => Interlocked.Read(ref _sweepsStarted);

    /// <summary>The leases this silo dispatches under right now (tests).</summary>
    internal IReadOnlyCollection<PartitionLease> OwnedLeases => _partitions.Leases;

    /// <summary>
    /// Whether a message of <paramref name="key"/> (a grain or a partition) delivered by <paramref name="sweep"/> must wait
    /// for a later sweep; a refusal is recorded on the mark. Called under <see cref="_knownLock"/>.
    /// </summary>
    private bool Refuse<TKey>(Dictionary<TKey, ResyncMark> marks, TKey key, long sweep)
        where TKey : notnull
    {
        if (!marks.TryGetValue(key, out var mark) || sweep > mark.Since)
        {
            return false;
        }

        marks[key] = mark.Refused(_sweepsStarted);
        return true;
    }

    /// <summary>
    /// Keeps a message refused outside a sweep for the hand-over at the end of the running sweep. A sweep's own refusals
    /// are not kept: the mark that refused them is younger than the sweep, so it outlives it and a later sweep reads them.
    /// Called under <see cref="_knownLock"/>.
    /// </summary>
    private void NoteRefused(StoredMessage message, long sweep)
    {
        if (sweep != 0 || _refusedInSweepOverflow)
        {
            return;
        }

        if (_refusedInSweepCount >= Options.MaxQueuedMessages)
        {
            _refusedInSweepOverflow = true;
            _refusedInSweep.Clear();
            _refusedInSweepCount = 0;
            return;
        }

        if (!_refusedInSweep.TryGetValue(message.Grain, out var refused))
        {
            _refusedInSweep[message.Grain] = refused = [];
        }

        refused.Add(message);
        _refusedInSweepCount++;
    }

    /// <summary>Numbers a sweep that is about to read the store.</summary>
    private long BeginSweep()
    {
        lock (_knownLock)
        {
            _refusedInSweep.Clear();
            _refusedInSweepCount = 0;
            _refusedInSweepOverflow = false;
            return ++_sweepsStarted;
        }
    }

    /// <summary>
    /// After a complete sweep, grains and partitions marked before it started are in order again, if the sweep read their
    /// partition (one acquired after the sweep took its list of partitions stays marked for the next sweep): a mark without
    /// refusals while the sweep ran goes; a partition mark with some becomes marks of the grains refused, and a grain mark
    /// with some goes once its refused messages are handed to its activation (see <see cref="ResyncMark"/>).
    /// </summary>
    private void EndSweep(long sweep, IReadOnlyCollection<int> swept)
    {
        var read = swept as ISet<int> ?? swept.ToHashSet();
        var handOver = new List<GrainId>();
        lock (_knownLock)
        {
            var kept = !_refusedInSweepOverflow;
            ILookup<int, GrainId>? refusedByPartition = null;
            foreach (var (partition, mark) in _syncing.Where(kv => kv.Value.Since < sweep && read.Contains(kv.Key)).ToList())
            {
                if (mark.Until >= sweep)
                {
                    if (!kept)
                    {
                        continue; // too many refusals to keep: the partition waits for a sweep without any
                    }

                    refusedByPartition ??= _refusedInSweep.ToLookup(kv => kv.Value[0].Partition, kv => kv.Key);
                    foreach (var grain in refusedByPartition[partition])
                    {
                        // A grain marked since this sweep started (retired, back-pressure) keeps its own, younger mark.
                        _resync[grain] = _resync.TryGetValue(grain, out var own)
                            ? own.Since < sweep ? own with { Until = sweep } : own
                            : new ResyncMark(mark.Since, sweep);
                    }
                }

                _syncing.Remove(partition);
            }

            // Grain marks of partitions this silo no longer owns go too (they would pile up as partitions move): a
            // partition taken again is marked as a whole (MarkSyncing, before it is added), which orders its grains.
            // Partition marks stay: one per partition at most, and clearing one between MarkSyncing and the partition's
            // addition would open a gap (one marked while this sweep ran is younger than it, and kept above).
            foreach (var (grain, mark) in _resync.ToList())
            {
                var partition = PartitionHash.Compute(grain, _store.PartitionCount);
                if (!_partitions.IsOwned(partition) || (mark.Until < sweep && read.Contains(partition)))
                {
                    _resync.Remove(grain);
                }
                else if (kept && mark.Since < sweep && read.Contains(partition) && _refusedInSweep.ContainsKey(grain))
                {
                    handOver.Add(grain);
                }
            }
        }

        foreach (var grain in handOver)
        {
            HandOver(grain, sweep);
        }

        EndTakeoverSweep(sweep, read);
    }

    /// <summary>
    /// Ends the mark of a grain refused while <paramref name="sweep"/> ran, which started after the mark and read its
    /// whole snapshot: the messages refused are queued on the grain's activation, in id order, behind those the sweep
    /// delivered, in the same critical section (the activation's lock, then <see cref="_knownLock"/>) as the mark is
    /// removed, so that a message dispatched afterwards queues behind them. When something else holds the grain back
    /// (a younger mark, the partition marked or gone, back-pressure), the mark stays for the next sweep.
    /// </summary>
    private void HandOver(GrainId grain, long sweep)
    {
        var partition = PartitionHash.Compute(grain, _store.PartitionCount);
        while (true)
        {
            if (!Alive || !_partitions.TryGetEpoch(partition, out var epoch))
            {
                return;
            }

            lock (_knownLock)
            {
                if (!HandOverDue(grain, partition, sweep, out var refused))
                {
                    return;
                }

                if (refused.TrueForAll(m => _known.Contains(m.Id) || _recentlyConsumed.ContainsKey(m.Id)))
                {
                    // Nothing left to queue: the sweep delivered them (they were in its snapshot), or they ran.
                    EndHandOver(grain, refused);
                    return;
                }
            }

            var activation = ActivationAt(grain, partition, epoch);
            bool start;
            lock (activation.Lock)
            {
                if (activation.Retired)
                {
                    continue;
                }

                if (!HeldAt(partition, epoch))
                {
                    return; // the lease went meanwhile: the grain's mark goes with the partition (EndSweep), its messages to the next owner
                }

                List<StoredMessage> batch;
                lock (_knownLock)
                {
                    if (!HandOverDue(grain, partition, sweep, out var refused))
                    {
                        return;
                    }

                    batch = [.. refused
                        .Where(m => !_known.Contains(m.Id) && !_recentlyConsumed.ContainsKey(m.Id))
                        .DistinctBy(m => m.Id)
                        .OrderBy(m => m.Id)];
                    if (Volatile.Read(ref _queued) + batch.Count > Options.MaxQueuedMessages)
                    {
                        return;
                    }

                    foreach (var m in batch)
                    {
                        _known.Add(m.Id);
                    }

                    EndHandOver(grain, refused);
                }

                Interlocked.Add(ref _queued, batch.Count);
                foreach (var m in batch)
                {
                    activation.Queue.Enqueue(m);
                }

                start = batch.Count > 0 && !activation.Running;
                activation.Running |= start;
            }

            if (start)
            {
                StartActivation(activation);
            }

            return;
        }
    }

    /// <summary>
    /// Whether the grain's mark may still be ended by the hand-over of <paramref name="sweep"/>, with what was refused; under
    /// <see cref="_knownLock"/>. Not when the grain was marked again since that sweep started (retired, back-pressure), nor
    /// while its partition is marked (taken again since), nor once another sweep started or the refusals overflowed.
    /// </summary>
    private bool HandOverDue(GrainId grain, int partition, long sweep, out List<StoredMessage> refused)
    {
        refused = [];
        return _sweepsStarted == sweep
            && _resync.TryGetValue(grain, out var mark) && mark.Since < sweep
            && !_syncing.ContainsKey(partition)
            && _refusedInSweep.TryGetValue(grain, out refused!);
    }

    private void EndHandOver(GrainId grain, List<StoredMessage> refused)
    {
        _resync.Remove(grain);
        _refusedInSweep.Remove(grain);
        _refusedInSweepCount -= refused.Count;
    }

    /// <summary>Marks newly acquired partitions: their pending messages are unknown until a sweep reads them.</summary>
    private void MarkSyncing(IEnumerable<int> partitions)
    {
        lock (_knownLock)
        {
            foreach (var partition in partitions)
            {
                _syncing[partition] = ResyncMark.At(_sweepsStarted);
            }
        }
    }

    /// <summary>
    /// Why a grain's or a partition's messages wait for a sweep, and when a sweep ends the wait.
    /// <para>
    /// <see cref="Since"/>: the sweeps started when it was marked. A sweep that started later reads every message committed
    /// before the mark (the dropped queue, the partition's backlog) together with everything committed before those (per
    /// sender: B's transaction starts after A's commit), so its rows are dispatched, in id order. Rows of a sweep are
    /// accepted against <see cref="Since"/>, not <see cref="Until"/>: a grain that keeps receiving messages while marked
    /// still gets its backlog from the next sweep instead of having every sweep refused.
    /// </para>
    /// <para>
    /// <see cref="Until"/>: the sweeps started when a message was last refused while marked (a local dispatch after a
    /// commit, a fetched row, a fired reminder). A sweep S with Since &lt; S that read its whole snapshot ends the mark:
    /// <list type="bullet">
    /// <item>Until &lt; S: every refusal came before S started, so each refused message committed before S's snapshot and S
    /// dispatched it, in order. The mark goes.</item>
    /// <item>Until == S: messages refused while S ran may have committed after its snapshot. Under a steady stream every
    /// sweep has such refusals, so waiting for a sweep without any kept a partition marked, and the silo sweeping back to
    /// back, for as long as the stream lasted. Instead, the refusals of S are kept (by grain, at most MaxQueuedMessages;
    /// past that, nothing is kept and the mark waits as before). A partition mark becomes marks of the grains it refused
    /// while S ran (a grain not refused has nothing outside S's snapshot: its rows committed after it are dispatched
    /// normally once the partition mark is gone); then each grain's refused messages are queued on its activation, in id
    /// order, behind what S dispatched, under the activation's lock and in the same critical section as its mark is
    /// removed (<see cref="HandOver"/>): a message refused until then is among them, one dispatched afterwards queues behind
    /// them.</item>
    /// </list>
    /// Why nothing older of the grain is left behind: a row committed before S's snapshot was dispatched by S (or is in
    /// flight, or consumed; or S refused it for back-pressure, or the grain was retired while S ran: both mark the grain
    /// with Since == S, which S does not end). A row committed after the snapshot by this silo was dispatched right after
    /// its commit, before its sender's next turn or send: refused, it is among those handed over; the fetch loop runs no
    /// fetch while a sweep runs, so no row of another silo is refused then (one refused by a fetch before S started is in
    /// S's snapshot). A partition lost while S ran leaves its grain marks to the sweep's cleanup, and one taken again is
    /// marked again (MarkSyncing, Since == S), which holds its grains' hand-over back; an activation retired meanwhile marks
    /// its grain again the same way. The recheck under the activation's lock (RefusedOnRecheck) only refuses for such a
    /// younger mark.
    /// </para>
    /// </summary>
    private readonly record struct ResyncMark(long Since, long Until)
    {
        public static ResyncMark At(long sweepsStarted) => new(sweepsStarted, sweepsStarted);

        public ResyncMark Refused(long sweepsStarted) => this with { Until = Math.Max(Until, sweepsStarted) };
    }
}
