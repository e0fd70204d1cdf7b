using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

public sealed partial class Silo
{
    private readonly ConcurrentDictionary<GrainId, Activation> _directory = new();
    private readonly object _knownLock = new();
    private readonly HashSet<long> _known = [];
    private readonly Dictionary<long, long> _recentlyConsumed = [];
    private long _recentSweepTicks;
    private int _queued;

    /// <summary>
    /// Hands a committed message to its activation if this silo owns its partition. Each message id
    /// is dispatched once while it is in flight; messages of a grain being resynchronised, or of a
    /// partition just acquired, wait for a sweep that started afterwards so that they keep their order.
    /// </summary>
    /// <param name="message">The committed message.</param>
    /// <param name="sweep">The number of the sweep delivering it; 0 when it does not come from a sweep.</param>
    /// <param name="stored">
    /// Read from the store (fetched, swept, a fired reminder), so possibly sent under another placement rule and then
    /// forwarded (ADR 0015); a send of this process carries the partition its rules gave, which is not hashed again.
    /// </param>
    internal bool Dispatch(StoredMessage message, long sweep = 0, bool stored = false)
    {
        if (!Alive || !_partitions.TryGetEpoch(message.Partition, out var epoch))
        {
            return false;
        }

        lock (_knownLock)
        {
            if (_recentlyConsumed.ContainsKey(message.Id) || _known.Contains(message.Id))
            {
                return false;
            }

            // A refused message is left to a sweep; only a sweep that starts after this refusal (so that its
            // snapshot holds the message and everything committed before it) may end the wait.
            if (Refuse(_resync, message.Grain, sweep) || Refuse(_syncing, message.Partition, sweep))
            {
                NoteRefused(message, sweep);
                RequestSweep();
                return false;
            }

            if (Volatile.Read(ref _queued) >= Options.MaxQueuedMessages)
            {
                // Back-pressure (MaxQueuedMessages) for every dispatch: a turn's sends, a co-hosted client's, a fired
                // reminder, a fetched or swept page. The message is committed, so it is left to a later sweep once the
                // queue has drained; its grain is marked as of now, so that none of its later messages overtakes it (not
                // even in the sweep running now: only a sweep started after the mark delivers the grain's messages).
                _resync[message.Grain] = ResyncMark.At(_sweepsStarted);
                RequestSweep();
                return false;
            }

            _known.Add(message.Id);
        }

        if (stored && PartitionHash.Compute(message.Grain, _store.PartitionCount) is var placed && placed != message.Partition)
        {
            _ = ForwardAsync(message, epoch, placed);
            return true;
        }

        Interlocked.Increment(ref _queued);
        while (true)
        {
            var activation = ActivationAt(message.Grain, message.Partition, epoch);
            bool start;
            lock (activation.Lock)
            {
                if (activation.Retired)
                {
                    continue;
                }

                if (!HeldAt(message.Partition, epoch))
                {
                    // The lease went since it was read (lost or released): RetirePartitions may have passed this activation,
                    // made just now, so the message is not queued on it; the partition's next owner reads it.
                    lock (_knownLock)
                    {
                        _known.Remove(message.Id);
                    }

                    Interlocked.Decrement(ref _queued);
                    return false;
                }

                // Count read without _knownLock: a Retire of this grain marked it under the activation lock held here, or
                // before its activation left the directory (GetOrAdd above saw that), so a mark that matters is visible.
                if (_resync.Count > 0 && RefusedOnRecheck(message, sweep))
                {
                    Interlocked.Decrement(ref _queued);
                    RequestSweep();
                    return false;
                }

                activation.Queue.Enqueue(message);
                start = !activation.Running;
                activation.Running = true;
            }

            if (start)
            {
                StartActivation(activation);
            }

            return true;
        }
    }

    /// <summary>
    /// Whether the partition is still held at the epoch a dispatch read, checked under the activation's lock: a lease is
    /// removed from the table before <see cref="RetirePartitions"/> takes each activation's lock, so an activation made after
    /// that pass is never given a message of a lease already gone.
    /// </summary>
    private bool HeldAt(int partition, long epoch) => _partitions.TryGetEpoch(partition, out var now) && now == epoch;

    /// <summary>
    /// The resync check again, under the activation's lock: <see cref="Retire"/> marks the grain under that lock before
    /// the activation leaves the directory, so a message that passed the first check while its grain was being retired
    /// either joins the retired queue (and is read again with it) or is refused here; it never overtakes the messages
    /// the retired activation dropped.
    /// </summary>
    private bool RefusedOnRecheck(StoredMessage message, long sweep)
    {
        lock (_knownLock)
        {
            if (!Refuse(_resync, message.Grain, sweep))
            {
                return false;
            }

            NoteRefused(message, sweep);
            _known.Remove(message.Id);
            return true;
        }
    }

    private void DispatchAfterEnqueue(IReadOnlyList<StoredMessage> messages)
    {
        var foreign = false;
        foreach (var message in messages)
        {
            if (!Dispatch(message))
            {
                foreign = true;
            }
        }

        if (foreign)
        {
            RequestNotify(WakeSignal.Messages);
        }
    }

    /// <summary>
    /// The grain's activation in the directory for this epoch of its partition: one of an older epoch (its lease is gone)
    /// is replaced. The caller still checks, under the activation's lock, that it is not retired.
    /// </summary>
    private Activation ActivationAt(GrainId grain, int partition, long epoch)
    {
        while (true)
        {
            var activation = _directory.GetOrAdd(grain, id => NewActivation(id, partition, epoch));
            if (activation.Epoch == epoch)
            {
                return activation;
            }

            _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
        }
    }

    private Activation NewActivation(GrainId id, int partition, long epoch)
    {
        _grains.ByType.TryGetValue(id.Type, out var info);
        return new Activation(id, partition, epoch, info!);
    }

    /// <summary>
    /// Runs an activation's queue on the thread pool's global queue, not the local queue of the thread that dispatched
    /// it: the commit lane dispatches a whole batch's turns at once, and in a worker's local queue they would all wait
    /// for that one worker (or for stealing) and go ahead of the global queue, where socket completions (a co-hosted
    /// gateway's requests, the database's replies) wait. Flows the execution context as <see cref="Task.Run(Func{Task})"/> did.
    /// </summary>
    private void StartActivation(Activation activation) =>
        ThreadPool.QueueUserWorkItem(static state => _ = state.Silo.RunActivationAsync(state.Activation), (Silo: this, Activation: activation), preferLocal: false);

    private async Task RunActivationAsync(Activation activation)
    {
        while (true)
        {
            StoredMessage? next = null;
            var leave = false;
            lock (activation.Lock)
            {
                if (activation.Retired || activation.Queue.Count == 0 || !Alive)
                {
                    activation.Running = false;
                    // A grain that deactivated itself (DeactivateOnIdle) and has nothing queued leaves the directory now,
                    // as the idle collector would take it later: under the lock, so a message being dispatched to it
                    // either got in before (the queue is not empty) or sees it retired and takes a new activation.
                    leave = !activation.Retired && activation.Queue.Count == 0 && Alive && activation.Instance is null && !activation.Loaded;
                    activation.Retired |= leave;
                }
                else
                {
                    next = activation.Queue.Peek();
                    activation.InTurn = true;
                }
            }

            if (next is not { } message)
            {
                if (leave)
                {
                    _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
                }

                return;
            }

            CommitStatus outcome;
            MarkRerun(message);
            try
            {
                outcome = await ProcessMessageAsync(activation, message).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // The silo stopped under this turn (its grain code honoured the token, or was abandoned by the stop): nothing
                // of it commits any more, and the message stays in the store for the partition's next owner.
                activation.Instance = null;
                outcome = CommitStatus.Fenced;
            }
            catch (Exception ex)
            {
                // A defect outside the turn's own failure handling: the activation must not stay "running" for ever
                // with its queue stuck. It is dropped like one whose commit failed; its messages are read again.
                RuntimeLog.ActivationFailed(_logger, ex, SiloId, activation.Id.ToString());
                activation.Instance = null;
                outcome = CommitStatus.Unknown;
                NoteUnknownOutcome(message.Id, ex);
            }

            SettleInDoubt(activation, message, outcome);

            lock (activation.Lock)
            {
                activation.InTurn = false;
                if (activation.Queue.Count > 0 && ReferenceEquals(activation.Queue.Peek(), message))
                {
                    activation.Queue.Dequeue();
                }
            }

            if (Interlocked.Decrement(ref _queued) == Options.MaxQueuedMessages - 1)
            {
                _fetchSignal.Release(); // back under the limit: a sweep cut short, or messages refused, are read now
            }

            if (outcome is not (CommitStatus.Unknown or CommitStatus.Retry or CommitStatus.Rejected))
            {
                ForgetTrouble(message.Id);
            }

            if (outcome == CommitStatus.Committed)
            {
                Forget(message.Id, consumed: true);
                activation.LastUsedTicks = TimeProvider.GetTimestamp();
            }
            else
            {
                if (outcome == CommitStatus.Retry)
                {
                    await PauseBeforeRetryAsync(activation, message).ConfigureAwait(false);
                }

                Retire(activation, message);
                return;
            }
        }
    }

    /// <summary>
    /// An attempt that could not run for the database's reasons (DESIGN R4: not counted): its message is read again after a
    /// pause, so that a database in trouble is not hammered by the same turns. The activation keeps the grain meanwhile.
    /// </summary>
    private async Task PauseBeforeRetryAsync(Activation activation, StoredMessage message)
    {
        var pause = NextRetryPause(message.Id);
        if (!_partitions.TryGetEpoch(activation.Partition, out var epoch) || epoch != activation.Epoch)
        {
            return; // moved (or the silo is stopping): nothing to pause for
        }

        try
        {
            await Task.Delay(pause, TimeProvider, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the message stays queued in the store.
        }
    }

    /// <summary>
    /// Drops an activation whose turn could not commit: its in-memory state may be ahead of the
    /// store. Its queued messages are forgotten and fetched again, in order, by the next sweep.
    /// </summary>
    private void Retire(Activation activation, StoredMessage failed)
    {
        List<StoredMessage> dropped;
        lock (activation.Lock)
        {
            activation.Retired = true;
            activation.Running = false;
            dropped = [.. activation.Queue];
            activation.Queue.Clear();

            // Marked under the activation's lock and before it leaves the directory (see RefusedOnRecheck).
            lock (_knownLock)
            {
                _known.Remove(failed.Id);
                foreach (var m in dropped)
                {
                    _known.Remove(m.Id);
                }

                _resync[activation.Id] = ResyncMark.At(_sweepsStarted);
            }
        }

        _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
        Interlocked.Add(ref _queued, -dropped.Count);
        _forceSweep = true;
        _fetchSignal.Release();
    }

    /// <summary>
    /// Moves a message found in a partition other than its grain's (sent before a placement rule changed, ADR 0015) to
    /// the grain's partition: it is consumed here and sent there in one commit fenced by this partition's lease, so it
    /// runs once, on the silo that runs its grain. Not committed, it stays for a later sweep to forward again.
    /// </summary>
    private async Task ForwardAsync(StoredMessage message, long epoch, int placed)
    {
        var commit = new TurnCommit { Grain = message.Grain, Partition = message.Partition, Epoch = epoch, MessageId = message.Id };
        commit.Sends.Add(new OutboundMessage(placed, message.GrainType, message.GrainKey, message.Method, message.Kind, message.Payload, message.ReplyTo, message.TraceParent)
        {
            LocalArguments = message.Payload is null ? message.LocalArguments : null, // in memory, the instances are the message
        });
        var status = CommitStatus.Retry;
        try
        {
            status = await CommitAsync(commit).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RuntimeLog.LoopFailed(_logger, ex, SiloId, "forward");
        }

        var consumed = status is CommitStatus.Committed or CommitStatus.Duplicate;
        Forget(message.Id, consumed);
        if (status == CommitStatus.Committed)
        {
            RuntimeTelemetry.MessagesForwarded.Add(1);
            RuntimeLog.MessageForwarded(_logger, message.Grain.ToString(), message.Method, message.Id, message.Partition, placed);
        }
        else if (!consumed)
        {
            RequestSweep();
        }
    }

    private void Forget(long messageId, bool consumed)
    {
        lock (_knownLock)
        {
            _known.Remove(messageId);
            if (consumed)
            {
                _recentlyConsumed[messageId] = TimeProvider.GetTimestamp();
            }
        }
    }

    /// <summary>Forgets consumed ids once no fetch that began before their consumption can still return them.</summary>
    private void TrimRecentlyConsumed(long sweepStartedTicks)
    {
        lock (_knownLock)
        {
            var old = _recentSweepTicks;
            _recentSweepTicks = sweepStartedTicks;
            if (old == 0)
            {
                return;
            }

            foreach (var id in _recentlyConsumed.Where(kv => kv.Value < old).Select(kv => kv.Key).ToList())
            {
                _recentlyConsumed.Remove(id);
            }
        }
    }

    private void RequestSweep()
    {
        _forceSweep = true;
        _fetchSignal.Release();
    }

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        var deadline = TimeProvider.GetUtcNow() + Options.DrainTimeout;
        while (_directory.Values.Any(a => a.Running) && TimeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drops every activation of leases this silo no longer holds. Only those of these epochs: activations of a partition held
    /// again at a newer epoch are valid and keep running.
    /// </summary>
    private void RetirePartitions(IReadOnlyCollection<PartitionLease> leases)
    {
        var set = leases.ToHashSet();
        ForgetTakeovers(set);
        foreach (var activation in _directory.Values.Where(a => set.Contains(new PartitionLease(a.Partition, a.Epoch))).ToList())
        {
            lock (activation.Lock)
            {
                activation.Retired = true;

                // A message in a turn stays at the head: its worker dequeues it and accounts for it when the turn ends. The
                // turn cannot commit any more (fenced): its code is told to stop through its token.
                var keep = activation.InTurn && activation.Queue.Count > 0 ? activation.Queue.Dequeue() : null;
                if (activation.InTurn)
                {
                    Activation.CancelInBackground(activation.TurnCancellation);
                }

                Interlocked.Add(ref _queued, -activation.Queue.Count);
                lock (_knownLock)
                {
                    // The kept message's id is forgotten too: should this silo own the partition again, a sweep must be
                    // able to deliver it (in order) before the messages after it.
                    if (keep is not null)
                    {
                        _known.Remove(keep.Id);
                    }

                    foreach (var m in activation.Queue)
                    {
                        _known.Remove(m.Id);
                    }
                }

                activation.Queue.Clear();
                if (keep is not null)
                {
                    activation.Queue.Enqueue(keep);
                }
            }

            _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
        }
    }
}
