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
/// </summary>
internal sealed class EnqueueBatcher(IRuntimeStore store, Action<IReadOnlyList<StoredMessage>> afterEnqueue, int maxTransactions)
{
    /// <summary>Most messages per INSERT.</summary>
    public const int MaxBatch = 512;

    /// <summary>
    /// A second INSERT starts, or goes on with another batch, only while at most this many sends wait: overlapping saves
    /// a send the wait for the INSERT in flight when sends are few, but once they queue up, one batch that grows while
    /// the INSERT in flight runs commits more of them for the same work (ADR 0017).
    /// </summary>
    public const int OverlapWhileQueued = 8;

    private readonly object _lock = new();
    private readonly LinkedList<Pending> _queue = new();

    // The grains with a send in a batch in flight (only tracked when batches can overlap).
    private readonly HashSet<(string Type, string Key)> _inFlight = [];
    private readonly int _maxTransactions = Math.Max(1, maxTransactions);
    private int _flushing;

    /// <summary>Enqueues durably; the task completes with the message's id once the row is committed.</summary>
    public Task<long> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(message, cancellationToken);
        lock (_lock)
        {
            _queue.AddLast(pending);
            if (_flushing >= _maxTransactions || (_flushing > 0 && _queue.Count > OverlapWhileQueued))
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
            lock (_lock)
            {
                if (targets is not null)
                {
                    _inFlight.ExceptWith(targets);
                    targets.Clear();
                }

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
            }
            catch (Exception ex)
            {
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

    /// <summary>One INSERT of the batch; completes each send with its id once committed. Throws when the outcome is unknown.</summary>
    private async Task SendAsync(List<Pending> batch)
    {
        long[] ids;
        var started = Stopwatch.GetTimestamp();
        if (RuntimeTelemetry.EnqueueWait.Enabled)
        {
            foreach (var item in batch)
            {
                RuntimeTelemetry.EnqueueWait.Record(Stopwatch.GetElapsedTime(item.Queued, started).TotalMilliseconds);
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

    private sealed class Pending(OutboundMessage message, CancellationToken cancellationToken)
    {
        public OutboundMessage Message { get; } = message;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public long Queued { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
