using System.Diagnostics;
using System.Threading.Channels;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

public sealed partial class Silo
{
    private readonly Channel<PendingCommit> _commitQueue;
    private readonly Engine.AsyncSignal _laneSignal = new();
    private int _notifyPending;
    private int _committing;

    private Task<CommitStatus> CommitAsync(TurnCommit turn)
    {
        // A turn of a message whose last commit ended without an answer commits alone: should its commit fail that way
        // again, it takes no other turn with it (see NoteUnknownOutcome).
        var pending = new PendingCommit(turn) { Alone = turn.MessageId != 0 && IsInDoubtOutcome(turn.MessageId) };
        if (!Alive || !_commitQueue.Writer.TryWrite(pending))
        {
            return Task.FromResult(CommitStatus.Fenced);
        }

        if (Volatile.Read(ref _committing) > 0 && _commitQueue.Reader.Count >= OverlapWhenQueued)
        {
            _laneSignal.Release(); // enough turns wait behind the commit in flight for another lane to start one
        }

        return pending.Completion.Task;
    }

    /// <summary>
    /// Turns that must be waiting before a commit starts while another is in flight. Below it the waiting turns go in
    /// the next commit of the lane in flight (one larger transaction); above it the lanes overlap, so that a silo at its
    /// limit keeps its throughput (ADR 0019).
    /// </summary>
    private int OverlapWhenQueued => Math.Max(1, Options.CommitBatchSize / 2);

    /// <summary>
    /// One commit lane: takes whatever turns are waiting (up to the batch size) and commits them in
    /// one fenced transaction. Waiting turns accumulate while a commit runs, so batches grow with load
    /// without a timer (group commit). A lane starts a commit while another is in flight only once
    /// <see cref="OverlapWhenQueued"/> turns wait.
    /// </summary>
    private async Task CommitLaneAsync(CancellationToken cancellationToken)
    {
        var reader = _commitQueue.Reader;
        var batch = new List<PendingCommit>(Options.CommitBatchSize);
        try
        {
            while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                // Woken by a lane's commit ending or by the queue reaching the bound; both change what is checked here
                // before they wake, so a wake between the check and the wait is not lost (the signal stays set).
                while (Volatile.Read(ref _committing) > 0 && reader.Count < OverlapWhenQueued)
                {
                    await _laneSignal.WaitAsync(Timeout.InfiniteTimeSpan, TimeProvider, cancellationToken).ConfigureAwait(false);
                }

                Interlocked.Increment(ref _committing);
                try
                {
                    batch.Clear();
                    while (batch.Count < Options.CommitBatchSize && reader.TryRead(out var item))
                    {
                        batch.Add(item);
                    }

                    if (batch.Count > 0)
                    {
                        await CommitBatchAsync(batch, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // A defect in the commit path must not end the lane: with every lane gone no turn would ever
                    // commit again while the heartbeats kept the partitions. The batch's outcome is unknown: its turns
                    // reload, and one that did commit finds its message consumed.
                    RuntimeLog.CommitFailed(_logger, ex, batch.Count);
                    NoteUnknownOutcome(batch.Where(p => !p.Completion.Task.IsCompleted), ex);
                    Complete(batch, CommitStatus.Unknown);
                }
                finally
                {
                    Interlocked.Decrement(ref _committing);
                    _laneSignal.Release();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping or killed: nothing further commits.
        }
        finally
        {
            while (reader.TryRead(out var left))
            {
                left.Completion.TrySetResult(CommitStatus.Fenced);
            }

            foreach (var item in batch)
            {
                item.Completion.TrySetResult(CommitStatus.Fenced);
            }
        }
    }

    private async Task CommitBatchAsync(List<PendingCommit> batch, CancellationToken cancellationToken)
    {
        if (batch.Count > 1 && batch.Exists(p => p.Alone))
        {
            await CommitBatchAsync(batch.FindAll(p => !p.Alone), cancellationToken).ConfigureAwait(false);
            foreach (var alone in batch.FindAll(p => p.Alone))
            {
                await CommitBatchAsync([alone], cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        var remaining = batch.Where(p => !p.Completion.Task.IsCompleted).ToList();
        while (remaining.Count > 0)
        {
            if (!Alive)
            {
                Complete(remaining, CommitStatus.Fenced);
                return;
            }

            if (TestHooks.BeforeCommitAsync is { } hook)
            {
                await hook(cancellationToken).ConfigureAwait(false);
            }

            var fence = remaining.Select(p => new PartitionLease(p.Turn.Partition, p.Turn.Epoch)).Distinct().ToList();
            var turns = remaining.Select(p => p.Turn).ToList();
            var started = Stopwatch.GetTimestamp();
            CommitResult result;
            try
            {
                result = await _store.CommitAsync(SiloId, fence, turns, cancellationToken).ConfigureAwait(false);
                if (TestHooks.AfterCommitAsync is { } after)
                {
                    await after(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is CommitRejectedException || StoreErrors.IsBindingError(ex))
            {
                // Nothing was written, and the same turns would fail the same way: commit the halves on their own, so
                // that every other turn commits and the one at fault fails alone, as a failed attempt of its message.
                // A value the store's driver cannot bind is refused before anything is sent, so it counts the same.
                TestHooks.CommitCompleted?.Invoke(CommitOutcome.Rejected, remaining.Count);
                if (remaining.Count == 1)
                {
                    var turn = remaining[0].Turn;
                    RuntimeLog.CommitRejected(_logger, ex, turn.Grain.ToString(), turn.MessageId);
                    turn.RejectedError = ex.Message;
                    Complete(remaining, CommitStatus.Rejected);
                    return;
                }

                var half = remaining.Count / 2;
                await CommitBatchAsync(remaining.GetRange(0, half), cancellationToken).ConfigureAwait(false);
                await CommitBatchAsync(remaining.GetRange(half, remaining.Count - half), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (CommitNotAppliedException ex)
            {
                // Rolled back (or never sent) for a passing reason: nothing committed, and the turns run again as they
                // are, after a pause, without counting an attempt.
                RuntimeLog.CommitNotApplied(_logger, ex, remaining.Count);
                TestHooks.CommitCompleted?.Invoke(CommitOutcome.Failed, remaining.Count);
                Complete(remaining, CommitStatus.Retry);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Outcome unknown (the connection may have died at COMMIT): every turn reloads; a turn that
                // did commit finds its message consumed when it runs again, so nothing applies twice. Each turn
                // commits alone next time, and a message whose commits keep ending this way ends as a dead letter.
                RuntimeLog.CommitFailed(_logger, ex, remaining.Count);
                TestHooks.CommitCompleted?.Invoke(CommitOutcome.Failed, remaining.Count);
                NoteUnknownOutcome(remaining, ex);
                Complete(remaining, CommitStatus.Unknown);
                return;
            }

            RuntimeTelemetry.Commits.Add(1);
            TestHooks.CommitCompleted?.Invoke(
                result.Status switch
                {
                    CommitStatus.Committed => CommitOutcome.Committed,
                    CommitStatus.Fenced => CommitOutcome.Fenced,
                    _ => CommitOutcome.Duplicate,
                },
                remaining.Count);
            RuntimeTelemetry.CommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            switch (result.Status)
            {
                case CommitStatus.Committed:
                    RuntimeTelemetry.CommitBatchSize.Record(remaining.Count);
                    AfterCommit(remaining);
                    return;
                case CommitStatus.Fenced:
                    RuntimeTelemetry.FencedCommits.Add(1);
                    // Only the turns of the lost leases fail: a partition held again at a newer epoch keeps its turns.
                    OnPartitionsLost(result.LostLeases);
                    var lost = result.LostLeases.ToHashSet();
                    Complete(remaining.Where(p => lost.Contains(new PartitionLease(p.Turn.Partition, p.Turn.Epoch))), CommitStatus.Fenced);
                    remaining = remaining.Where(p => !lost.Contains(new PartitionLease(p.Turn.Partition, p.Turn.Epoch))).ToList();
                    break;
                case CommitStatus.Duplicate:
                    var missing = result.MissingMessages.ToHashSet();
                    foreach (var p in remaining.Where(p => missing.Contains(p.Turn.MessageId)))
                    {
                        RuntimeLog.DuplicateTurn(_logger, p.Turn.Grain.ToString(), p.Turn.MessageId);
                    }

                    Complete(remaining.Where(p => missing.Contains(p.Turn.MessageId)), CommitStatus.Duplicate);
                    remaining = remaining.Where(p => !missing.Contains(p.Turn.MessageId)).ToList();
                    break;
                default:
                    throw new UnreachableException();
            }
        }
    }

    private void AfterCommit(List<PendingCommit> committed)
    {
        var foreign = false;
        var soonestReminder = DateTimeOffset.MaxValue;
        var consumed = 0;
        var remote = 0;
        var sent = 0;
        if (RuntimeTelemetry.MessagesSent.Enabled)
        {
            // Counted before the sends are dispatched, so a recipient never runs before its message is counted.
            foreach (var pending in committed)
            {
                sent += pending.Turn.Sends.Count;
                foreach (var send in pending.Turn.Sends)
                {
                    remote += _partitions.IsOwned(send.Partition) ? 0 : 1;
                }
            }

            if (sent > 0)
            {
                var silo = new KeyValuePair<string, object?>("reev.silo", SiloId);
                RuntimeTelemetry.MessagesSent.Add(sent - remote, new KeyValuePair<string, object?>("route", "local"), silo);
                RuntimeTelemetry.MessagesSent.Add(remote, new KeyValuePair<string, object?>("route", "remote"), silo);
            }
        }

        foreach (var pending in committed)
        {
            var turn = pending.Turn;
            consumed += turn.MessageId != 0 ? 1 : 0;
            for (var i = 0; i < turn.Sends.Count; i++)
            {
                if (!Dispatch(turn.Sends[i].ToDispatched(turn.SentIds[i])))
                {
                    foreign |= !_partitions.IsOwned(turn.Sends[i].Partition);
                }
            }

            foreach (var reminder in turn.Reminders)
            {
                if (reminder.DueAt is { } due && due < soonestReminder)
                {
                    soonestReminder = due;
                }
            }

            foreign |= turn.Reply is not null;
        }

        Interlocked.Add(ref _consumedSinceReclaim, consumed);
        Complete(committed, CommitStatus.Committed);
        if (foreign)
        {
            RequestNotify(WakeSignal.Messages);
        }

        // A reminder due within one poll period wakes the reminder loop now; a later one is found by the loop's polls
        // like any other. Waking at every commit that changed a reminder made a due-reminder probe per commit (about
        // 0.4 ms of PostgreSQL CPU each, most of it planning) for the watchdogs and consolidation timeouts of every flow,
        // due minutes later.
        if (soonestReminder != DateTimeOffset.MaxValue && soonestReminder - TimeProvider.GetUtcNow() < Options.ReminderPollInterval)
        {
            _reminderSignal.Release();
        }
    }

    private static void Complete(IEnumerable<PendingCommit> items, CommitStatus status)
    {
        foreach (var item in items)
        {
            item.Completion.TrySetResult(status);
        }
    }

    /// <summary>Debounced NOTIFY: at most one per few milliseconds, outside the turn transactions (DESIGN R6).</summary>
    private void RequestNotify(WakeSignal signal)
    {
        if (Interlocked.Exchange(ref _notifyPending, 1) == 1)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider, _stopping.Token).ConfigureAwait(false);
                Volatile.Write(ref _notifyPending, 0);
                await _store.NotifyAsync(signal, _stopping.Token).ConfigureAwait(false);
                if (signal == WakeSignal.Messages)
                {
                    await _store.NotifyAsync(WakeSignal.Replies, _stopping.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Volatile.Write(ref _notifyPending, 0);
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "notify");
            }
            catch (OperationCanceledException)
            {
                Volatile.Write(ref _notifyPending, 0);
            }
        });
    }

    private sealed class PendingCommit(TurnCommit turn)
    {
        public TurnCommit Turn { get; } = turn;

        /// <summary>Committed in a transaction of its own: its message's last commit ended without an answer.</summary>
        public bool Alone { get; init; }

        public TaskCompletionSource<CommitStatus> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
