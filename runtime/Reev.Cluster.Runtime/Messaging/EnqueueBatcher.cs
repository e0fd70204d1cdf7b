using System.Data.Common;
using System.Diagnostics;
using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// Group enqueue for sends from outside grains: concurrent sends share one INSERT (one transaction) instead of one
/// each, and up to <c>maxTransactions</c> such INSERTs run at once, so that a send that arrives while one is in flight
/// need not wait for its commit before its own starts (ADR 0017). Sends to one grain commit in the order they were made,
/// even sends a caller did not await one by one: a batch never takes a send whose grain has one in a batch in flight,
/// nor anything queued behind it, so a grain's sends are in one transaction at a time and in call order. Each send
/// completes only once its row is committed. A batch the database rejects, or whose values the driver cannot bind, is
/// retried message by message, so a bad message fails alone.
/// </summary>
internal sealed class EnqueueBatcher(IRuntimeStore store, Action<IReadOnlyList<StoredMessage>> afterEnqueue, int maxTransactions = 1)
{
    /// <summary>Most messages per INSERT.</summary>
    public const int MaxBatch = 512;

    private readonly object _lock = new();
    private readonly Queue<Pending> _queue = new();

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
            _queue.Enqueue(pending);
            if (_flushing >= _maxTransactions)
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

                while (batch.Count < MaxBatch && _queue.TryPeek(out var next))
                {
                    // A send cancelled before its INSERT started is dropped; once started, it runs to its outcome.
                    if (next.CancellationToken.IsCancellationRequested)
                    {
                        _queue.Dequeue();
                        next.Completion.TrySetCanceled(next.CancellationToken);
                        continue;
                    }

                    if (targets is not null)
                    {
                        // A grain with a send in another batch in flight stops this batch here (the flush that holds it
                        // takes the rest when it is done); a grain already in this batch keeps its order within it.
                        var target = (next.Message.GrainType, next.Message.GrainKey);
                        if (!targets.Contains(target) && !_inFlight.Add(target))
                        {
                            break;
                        }

                        targets.Add(target);
                    }

                    batch.Add(_queue.Dequeue());
                }

                if (batch.Count == 0)
                {
                    _flushing--;
                    return;
                }
            }

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
                continue;
            }
            catch (Exception ex)
            {
                // Outcome unknown (the connection may have died at commit): the callers decide, as for a single send.
                foreach (var item in batch)
                {
                    item.Completion.TrySetException(ex);
                }

                continue;
            }

            Complete(batch, ids);
        }
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

        // Dispatch before completing: a caller's next send must not overtake this one locally.
        afterEnqueue(stored);
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
