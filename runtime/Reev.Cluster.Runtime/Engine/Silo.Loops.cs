using System.Diagnostics;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

public sealed partial class Silo
{
    private readonly AsyncSignal _fetchSignal = new();
    private readonly AsyncSignal _membershipSignal = new();
    private readonly AsyncSignal _reminderSignal = new();
    private readonly AsyncSignal _replySignal = new();
    private volatile bool _forceSweep = true;
    private FetchCursor _cursor = FetchCursor.Start;
    private long _lastSweepTicks;
    private long _consumedSinceReclaim;

    /// <summary>
    /// Finds work committed by other silos and clients. New rows are read past a cursor; a periodic
    /// sweep from the start of the inbox finds rows whose ids were assigned before the cursor but
    /// committed after it, and messages of grains being resynchronised. NOTIFY only shortens the wait.
    /// </summary>
    private async Task FetchLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _fetchSignal.WaitAsync(Options.PollInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
                var partitions = _partitions.Partitions;
                if (partitions.Count == 0 || Volatile.Read(ref _queued) >= Options.MaxQueuedMessages)
                {
                    continue;
                }

                var sweep = _forceSweep
                    || TimeProvider.GetElapsedTime(Volatile.Read(ref _lastSweepTicks)) >= Options.SweepInterval;
                if (sweep)
                {
                    await SweepAsync(partitions, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var page = await _store.FetchAsync(partitions, _cursor, Options.FetchBatchSize, cancellationToken).ConfigureAwait(false);
                Deliver(page.Rows, sweep: 0);
                _cursor = page.Next;
                if (page.Rows.Count == Options.FetchBatchSize)
                {
                    _fetchSignal.Release();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "fetch");
                if (!await PauseAsync(Options.PollInterval, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
    }

    /// <summary>Waits before a failed loop tries again; false when the silo is stopping (the loop ends quietly).</summary>
    private async Task<bool> PauseAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, TimeProvider, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task SweepAsync(IReadOnlyCollection<int> partitions, CancellationToken cancellationToken)
    {
        _forceSweep = false;
        var started = TimeProvider.GetTimestamp();
        var sweep = BeginSweep();
        var complete = await _store.SweepAsync(
            partitions,
            Options.FetchBatchSize,
            rows =>
            {
                Deliver(rows, sweep);
                return Volatile.Read(ref _queued) < Options.MaxQueuedMessages;
            },
            cancellationToken).ConfigureAwait(false);

        if (complete)
        {
            EndSweep(sweep, partitions);
        }
        else
        {
            _forceSweep = true; // back-pressure cut the sweep short: finish it once the queue drains
        }

        TrimRecentlyConsumed(started);
        Volatile.Write(ref _lastSweepTicks, started);
    }

    private void Deliver(IReadOnlyList<StoredMessage> rows, long sweep)
    {
        NoteTakeoverHeads(rows, sweep);
        foreach (var row in rows)
        {
            Dispatch(row, sweep, stored: true);
        }
    }

    /// <summary>Heartbeats and converges to this silo's fair share of partitions (DESIGN R2).</summary>
    private async Task MembershipLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _membershipSignal.WaitAsync(Options.HeartbeatInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
                if (TestHooks.SuspendHeartbeats)
                {
                    continue;
                }

                await BalanceAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _lastInboxDepth, await _store.EstimatePendingAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "membership");
            }
        }
    }

    /// <summary>Renews this silo's lease; returns the live silos.</summary>
    private async Task<IReadOnlyList<string>> HeartbeatAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> live;
        try
        {
            live = await _store.HeartbeatAsync(SiloId, _incarnation, Options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterConfigurationException ex) when (_joined)
        {
            // Another process holds this silo id now: this one was paused past its lease and the id was taken over (which
            // released the partitions this process held). It is no longer a member: it dies, without a hand-over or a leave,
            // which would act on the other process's membership. Nothing in flight commits afterwards.
            RuntimeLog.Superseded(_logger, ex, SiloId);
            _ = TerminateAsync(killed: false).ContinueWith(
                _ => _superseded.TrySetResult($"another process took its silo id over while this one was paused past its lease ({ex.Message})"), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw new OperationCanceledException($"Silo {SiloId} was superseded by another process under its id.", ex, cancellationToken);
        }

        _joined = true;
        RuntimeTelemetry.LeaseRenewals.Add(1);
        return live;
    }

    private async Task BalanceAsync(CancellationToken cancellationToken)
    {
        var live = await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
        if (Volatile.Read(ref _state) != 1)
        {
            // Stopping: the leases are kept alive while in-flight turns drain, but no partition is taken back or claimed;
            // StopAsync releases them all once the drain is over.
            return;
        }

        // Only the leases this process acquired: others under its id belong to another process that took the id over
        // after this one's lease ran out (this one was paused between its heartbeat and this read): not to use, not to release.
        var owned = (await _store.ReadOwnedAsync(SiloId, cancellationToken).ConfigureAwait(false)).Where(_partitions.IsAcquired).ToList();
        var ownedSet = owned.ToHashSet();
        var lost = _partitions.Leases.Where(l => !ownedSet.Contains(l)).ToList();
        if (lost.Count > 0)
        {
            OnPartitionsLost(lost);
        }

        var index = Math.Max(0, live.ToList().IndexOf(SiloId));
        var count = Math.Max(1, live.Count);
        var target = (_store.PartitionCount / count) + (index < _store.PartitionCount % count ? 1 : 0);
        if (owned.Count > target)
        {
            var release = owned.OrderByDescending(l => l.Partition).Take(owned.Count - target).ToList();
            await ReleaseAsync(release, cancellationToken).ConfigureAwait(false);
            owned = owned.Except(release).ToList();
        }

        var regained = owned.Where(l => !_partitions.TryGetEpoch(l.Partition, out var e) || e != l.Epoch).ToList();
        if (regained.Count > 0)
        {
            MarkSyncing(regained.Select(l => l.Partition));
            foreach (var lease in regained)
            {
                // Refused when a commit saw it lost since the read above.
                _partitions.Add(lease);
            }

            _forceSweep = true;
            _fetchSignal.Release();
        }

        if (owned.Count < target)
        {
            var claims = await _store.ClaimTakingOverAsync(SiloId, _incarnation, target - owned.Count, cancellationToken).ConfigureAwait(false);
            var claimed = claims.Select(c => c.Lease).ToList();
            if (claimed.Count > 0)
            {
                // Takeovers first: a sweep that may deliver a partition's rows (one that started after its MarkSyncing) also
                // started after its takeover mark, so it notes the heads it delivers.
                MarkTakenOver(claims.Where(c => c.Expired).Select(c => c.Lease));
                MarkSyncing(claimed.Select(l => l.Partition));
                foreach (var lease in claimed)
                {
                    _partitions.Add(lease);
                }

                RuntimeTelemetry.PartitionChanges.Add(claimed.Count, new KeyValuePair<string, object?>("direction", "acquired"));
                RuntimeLog.PartitionsAcquired(_logger, SiloId, claimed.Count, _partitions.Count);
                _forceSweep = true;
                _fetchSignal.Release();
                _reminderSignal.Release();
            }
        }
    }

    /// <summary>Hands partitions over at once: stop dispatching, let in-flight turns commit, release.</summary>
    private async Task ReleaseAsync(List<PartitionLease> leases, CancellationToken cancellationToken)
    {
        foreach (var lease in leases)
        {
            _partitions.Release(lease);
        }

        var set = leases.Select(l => l.Partition).ToHashSet();
        var deadline = TimeProvider.GetUtcNow() + Options.DrainTimeout;
        var heartbeat = TimeProvider.GetTimestamp();
        while (_directory.Values.Any(a => a.Running && set.Contains(a.Partition)) && TimeProvider.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider, cancellationToken).ConfigureAwait(false);

            // This wait runs on the membership loop, which heartbeats: a long turn must not let this silo's lease lapse.
            if (TimeProvider.GetElapsedTime(heartbeat) >= Options.HeartbeatInterval)
            {
                await HeartbeatAsync(cancellationToken).ConfigureAwait(false);
                heartbeat = TimeProvider.GetTimestamp();
            }
        }

        RetirePartitions(leases);
        await _store.ReleaseAsync(SiloId, leases, cancellationToken).ConfigureAwait(false);
        await _store.NotifyAsync(WakeSignal.Membership, cancellationToken).ConfigureAwait(false);
        RuntimeTelemetry.PartitionChanges.Add(leases.Count, new KeyValuePair<string, object?>("direction", "released"));
        RuntimeLog.PartitionsReleased(_logger, SiloId, leases.Count, _partitions.Count);
    }

    /// <summary>
    /// Leases found lost (by a fenced commit or a balance): each partition stops dispatching if it is held at the lost epoch
    /// (not when held again at a newer one), and that epoch's activations are dropped.
    /// </summary>
    private void OnPartitionsLost(IReadOnlyCollection<PartitionLease> leases)
    {
        var removed = leases.Count(_partitions.Remove);
        RetirePartitions(leases);
        if (removed > 0)
        {
            RuntimeTelemetry.PartitionChanges.Add(removed, new KeyValuePair<string, object?>("direction", "lost"));
            RuntimeLog.PartitionsLost(_logger, SiloId, removed);
        }
    }

    /// <summary>Fires due reminders of owned partitions as ordinary messages (DESIGN R7).</summary>
    private async Task ReminderLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _reminderSignal.WaitAsync(Options.ReminderPollInterval, TimeProvider, cancellationToken).ConfigureAwait(false);
                var owned = _partitions.Leases;
                if (owned.Count == 0)
                {
                    continue;
                }

                var fired = await _store.FireDueRemindersAsync(SiloId, owned, TimeProvider.GetUtcNow(), 1000, cancellationToken).ConfigureAwait(false);
                if (fired.Count > 0)
                {
                    RuntimeTelemetry.RemindersFired.Add(fired.Count);
                    foreach (var message in fired)
                    {
                        Dispatch(message, stored: true);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "reminders");
            }
        }
    }

    /// <summary>
    /// Reclaims the room of consumed messages in the queue tables while this silo is consuming (ADR 0010). An idle
    /// silo does nothing; a failure is logged and the next period tries again.
    /// </summary>
    private async Task QueueReclaimLoopAsync(CancellationToken cancellationToken)
    {
        var period = Options.QueueReclaimInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            long consumed = 0;
            try
            {
                await Task.Delay(period, TimeProvider, cancellationToken).ConfigureAwait(false);
                consumed = Interlocked.Exchange(ref _consumedSinceReclaim, 0);
                if (consumed == 0)
                {
                    continue;
                }

                var started = Stopwatch.GetTimestamp();
                if (!await _store.ReclaimQueueSpaceAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                RuntimeTelemetry.QueueReclaimDuration.Record(elapsed);
                RuntimeLog.QueueReclaimed(_logger, SiloId, consumed, elapsed);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Still owed: the next period tries again even if nothing more is consumed by then.
                Interlocked.Add(ref _consumedSinceReclaim, consumed);
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "queue-reclaim");
            }
        }
    }

    private async Task IdleCollectionLoopAsync(CancellationToken cancellationToken)
    {
        var period = Options.IdleTimeout / 4;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(period, TimeProvider, cancellationToken).ConfigureAwait(false);
                foreach (var activation in _directory.Values.ToList())
                {
                    if (activation.Running || TimeProvider.GetElapsedTime(activation.LastUsedTicks) < Options.IdleTimeout)
                    {
                        continue;
                    }

                    if (!TakeIdle(activation))
                    {
                        continue;
                    }

                    _directory.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
                    await DeactivateAsync(activation, bound: cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "idle-collection");
            }
        }
    }
}
