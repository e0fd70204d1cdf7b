using System.Data.Common;
using System.Diagnostics;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// Group enqueue for sends from outside grains: concurrent sends share one INSERT (one transaction) instead of one
/// each, and up to <c>maxTransactions</c> such INSERTs run at once, so that a send that arrives while one is in flight
/// need not wait for its commit before its own starts (ADR 0017). Sends to one grain commit in the order they were made,
/// even sends a caller did not await one by one: a batch leaves in the queue, in their order, the sends of a grain that
/// has a send in another batch in flight (sends to other grains may go ahead of them), so a grain's sends are in one
/// transaction at a time and in call order. Each send completes only once its row is committed. A batch the database
/// rejects, or whose values the driver cannot bind, is retried message by message, so a bad message fails alone.
/// While sends keep coming (an INSERT in flight, or one ended less than <see cref="BusyWithin"/> ago), a batch waits
/// until its oldest send has waited <paramref name="gatherWindow"/>, so that sends that arrive a millisecond apart share
/// an INSERT instead of paying a transaction each (ADR 0025); a send after a quiet spell goes at once. A store whose
/// INSERT costs no round trip (in memory) gives a zero window: no wait at all.
/// </summary>
internal sealed class EnqueueBatcher(
    IRuntimeStore store,
    Action<IReadOnlyList<StoredMessage>> afterEnqueue,
    int maxTransactions,
    TimeSpan gatherWindow = default,
    TimeProvider? timeProvider = null)
{
    /// <summary>Most messages per INSERT.</summary>
    public const int MaxBatch = 512;

    /// <summary>
    /// A second INSERT starts, or goes on with another batch, only while at most this many sends wait: overlapping saves
    /// a send the wait for the INSERT in flight when sends are few, but once they queue up, one batch that grows while
    /// the INSERT in flight runs commits more of them for the same work (ADR 0017).
    /// </summary>
    public const int OverlapWhileQueued = 8;

    /// <summary>An INSERT that ended this recently means sends are streaming in; after a longer quiet spell, no wait.</summary>
    public static readonly TimeSpan BusyWithin = TimeSpan.FromMilliseconds(20);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;

    private readonly object _lock = new();
    private readonly LinkedList<Pending> _queue = new();

    // The grains with a send in a batch in flight (only tracked when batches can overlap).
    private readonly HashSet<(string Type, string Key)> _inFlight = [];
    private readonly int _maxTransactions = Math.Max(1, maxTransactions);
    private int _flushing;

    // Flushes waiting for company (the sends that arrive meanwhile are theirs: no further flush starts for them).
    private int _gathering;
    private long _lastInsertEnded;

    /// <summary>Enqueues durably; the task completes with the message's id once the row is committed.</summary>
    public Task<long> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(message, _time.GetTimestamp(), cancellationToken);
        lock (_lock)
        {
            _queue.AddLast(pending);
            if (_gathering > 0 || _flushing >= _maxTransactions || (_flushing > 0 && _queue.Count > OverlapWhileQueued))
            {
                return pending.Completion.Task;
            }

            _flushing++;
        }

        // The flush runs off the caller's stack, so a caller's own send is not delayed by flushing others'.
        _ = Task.Run(FlushAsync, CancellationToken.None);
        return pending.Completion.Task;
    }

    private async Task FlushAsync()
    {
        var batch = new List<Pending>();
        var targets = _maxTransactions > 1 ? new HashSet<(string Type, string Key)>() : null;
        while (true)
        {
            batch.Clear();
            if (targets is not null && targets.Count > 0)
            {
                lock (_lock)
                {
                    _inFlight.ExceptWith(targets);
                }

                targets.Clear();
            }

            await GatherAsync().ConfigureAwait(false);
            lock (_lock)
            {

                if (_flushing > 1 && _queue.Count > OverlapWhileQueued)
                {
                    // Sends queue up: the other flush, in flight, takes them in one batch when it is done.
                    _flushing--;
                    return;
                }

                // A batch looks at most this far: sends held back behind grains in flight are looked at again by the
                // flush that holds those grains, when it is done.
                var look = 4 * MaxBatch;
                for (var node = _queue.First; node is not null && batch.Count < MaxBatch && look-- > 0;)
                {
                    var next = node.Value;
                    var following = node.Next;

                    // A send cancelled before its INSERT started is dropped; once started, it runs to its outcome.
                    if (next.CancellationToken.IsCancellationRequested)
                    {
                        _queue.Remove(node);
                        next.Completion.TrySetCanceled(next.CancellationToken);
                        node = following;
                        continue;
                    }

                    if (targets is not null)
                    {
                        // A grain with a send in another batch in flight keeps its sends queued, in order (the flush that
                        // holds it takes them when it is done); a grain already in this batch keeps its order within it.
                        var target = (next.Message.GrainType, next.Message.GrainKey);
                        if (!targets.Contains(target) && !_inFlight.Add(target))
                        {
                            node = following;
                            continue;
                        }

                        targets.Add(target);
                    }

                    _queue.Remove(node);
                    batch.Add(next);
                    node = following;
                }

                if (batch.Count == 0)
                {
                    _flushing--;
                    return;
                }
            }

            try
            {
                await SendAsync(batch).ConfigureAwait(false);
                Volatile.Write(ref _lastInsertEnded, _time.GetTimestamp());
            }
            catch (Exception ex)
            {
                Volatile.Write(ref _lastInsertEnded, _time.GetTimestamp());

                // Outcome unknown (the connection may have died at commit): the callers decide, as for a single send. Any
                // other failure ends here too, so that none leaves this batch's senders waiting or its grains held as in
                // flight, which would hold their later sends for ever.
                foreach (var item in batch)
                {
                    item.Completion.TrySetException(ex);
                }
            }
        }
    }

    /// <summary>
    /// While sends keep coming, waits until the oldest queued send has waited the gather window, so that the sends
    /// arriving meanwhile join its INSERT. No wait with nothing queued, a full batch, a zero window, or after a quiet spell.
    /// </summary>
    private async Task GatherAsync()
    {
        if (gatherWindow <= TimeSpan.Zero)
        {
            return;
        }

        TimeSpan wait;
        lock (_lock)
        {
            var last = Volatile.Read(ref _lastInsertEnded);
            var busy = _flushing > 1 || (last != 0 && _time.GetElapsedTime(last) < BusyWithin);
            if (_queue.First is not { } oldest || _queue.Count >= MaxBatch || !busy)
            {
                return;
            }

            wait = gatherWindow - _time.GetElapsedTime(oldest.Value.Queued);
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            _gathering++;
        }

        try
        {
            // Not cancellable: a send's own cancellation drops it from the queue when the batch is taken.
            await Task.Delay(wait, _time).ConfigureAwait(false);
        }
        finally
        {
            lock (_lock)
            {
                _gathering--;
            }
        }
    }

    /// <summary>One INSERT of the batch; completes each send with its id once committed. Throws when the outcome is unknown.</summary>
    private async Task SendAsync(List<Pending> batch)
    {
        long[] ids;
        var started = Stopwatch.GetTimestamp();
        if (RuntimeTelemetry.EnqueueWait.Enabled)
        {
            var now = _time.GetTimestamp();
            foreach (var item in batch)
            {
                RuntimeTelemetry.EnqueueWait.Record(_time.GetElapsedTime(item.Queued, now).TotalMilliseconds);
            }
        }

        try
        {
            ids = await store.EnqueueAsync(batch.ConvertAll(p => p.Message), CancellationToken.None).ConfigureAwait(false);
            RuntimeTelemetry.EnqueueDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            RuntimeTelemetry.EnqueueBatchSize.Record(batch.Count);
        }
        catch (Exception ex) when (batch.Count > 1 && (ex is DbException { IsTransient: false } || StoreErrors.IsBindingError(ex)))
        {
            // The server rejected the statement, or the driver could not bind a value of one message (text that is not
            // valid UTF-16): nothing committed, and one bad message must not fail the others.
            await InsertOneByOneAsync(batch).ConfigureAwait(false);
            return;
        }

        Complete(batch, ids);
    }

    private async Task InsertOneByOneAsync(List<Pending> batch)
    {
        foreach (var item in batch)
        {
            long[] ids;
            try
            {
                ids = await store.EnqueueAsync([item.Message], CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                item.Completion.TrySetException(ex);
                continue;
            }

            Complete([item], ids);
        }
    }

    private void Complete(List<Pending> batch, long[] ids)
    {
        var stored = new StoredMessage[batch.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = batch[i].Message.ToDispatched(ids[i]);
        }

        // Dispatch before completing: a caller's next send must not overtake this one locally. The rows are committed
        // whatever the local dispatch does, so its failure is not the senders': the fetch loop reads every committed row.
        try
        {
            afterEnqueue(stored);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            RuntimeTelemetry.EnqueueDispatchFailures.Add(1);
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(ids[i]);
        }
    }

    private sealed class Pending(OutboundMessage message, long queued, CancellationToken cancellationToken)
    {
        public OutboundMessage Message { get; } = message;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        /// <summary>When the send was queued, on the batcher's clock.</summary>
        public long Queued { get; } = queued;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
