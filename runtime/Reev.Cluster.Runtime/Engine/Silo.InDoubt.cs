using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>
/// Replies to local asks whose turn's commit ended without an answer (ADR 0013). A local caller's reply is not stored
/// (it is handed over after the commit), so when the commit's outcome is unknown the silo keeps the reply until the
/// outcome is known: the message runs again and its commit answers the caller, or the message turns out consumed
/// under this silo's lease, which only the unknown commit can have done, and the kept reply is the committed one.
/// </summary>
public sealed partial class Silo
{
    private readonly Dictionary<long, InDoubtReply> _inDoubt = [];
    private int _inDoubtCount;

    /// <summary>Keeps the reply of a turn (or a dead letter) whose commit ended <see cref="CommitStatus.Unknown"/>.</summary>
    private void RememberInDoubt(Activation activation, StoredMessage message, string? payload, string? error)
    {
        var (clientId, requestId) = ReplyHub.Parse(message.ReplyTo!);
        lock (_inDoubt)
        {
            if (_inDoubt.TryGetValue(message.Id, out var earlier) && earlier.Epoch == activation.Epoch)
            {
                // A second attempt whose outcome is unknown too: one of them may have committed, and if their replies
                // differ, which one reached the store cannot be told.
                earlier.Ambiguous |= earlier.Payload != payload || earlier.Error != error;
                earlier.Payload = payload;
                earlier.Error = error;
            }
            else
            {
                _inDoubt[message.Id] = new InDoubtReply(activation.Id, message.Method, activation.Partition, activation.Epoch, clientId, requestId)
                {
                    Payload = payload,
                    Error = error,
                };
                Volatile.Write(ref _inDoubtCount, _inDoubt.Count);
            }
        }
    }

    /// <summary>Another attempt of an in-doubt message starts: its commit's outcome settles the kept reply.</summary>
    private void MarkRerun(StoredMessage message)
    {
        if (Volatile.Read(ref _inDoubtCount) == 0)
        {
            return;
        }

        lock (_inDoubt)
        {
            if (_inDoubt.TryGetValue(message.Id, out var entry))
            {
                entry.Rerun = true;
            }
        }
    }

    /// <summary>What an attempt's outcome says about an in-doubt reply of its message.</summary>
    private void SettleInDoubt(Activation activation, StoredMessage message, CommitStatus outcome)
    {
        if (Volatile.Read(ref _inDoubtCount) == 0)
        {
            return;
        }

        InDoubtReply? deliver = null;
        var resolve = false;
        lock (_inDoubt)
        {
            if (!_inDoubt.TryGetValue(message.Id, out var entry))
            {
                return;
            }

            switch (outcome)
            {
                case CommitStatus.Unknown:
                case CommitStatus.Retry:
                    // This attempt's outcome is unknown as well, or it committed nothing (it kept its own reply, if it had one): resolve again.
                    entry.Rerun = false;
                    entry.Generation++;
                    resolve = true;
                    break;
                case CommitStatus.Duplicate when entry.Epoch == activation.Epoch:
                    // The message was gone at a commit fenced at the entry's lease: an earlier commit of this silo's took it.
                    deliver = entry;
                    Remove(message.Id);
                    break;
                default:
                    // Committed: this attempt answered the caller itself. Fenced (or another lease): another silo may
                    // have run the message; the caller gets its reply from there or times out.
                    Remove(message.Id);
                    break;
            }
        }

        if (deliver is not null)
        {
            Deliver(message.Id, deliver);
        }
        else if (resolve)
        {
            _ = Task.Run(() => ResolveInDoubtAsync(message.Id), CancellationToken.None);
        }
    }

    /// <summary>
    /// Asks the store, until the outcome is settled, whether the message is still pending while this silo holds the
    /// lease it ran under. Gone under that lease: the unknown commit took it, and the kept reply is delivered. Still
    /// pending: the message runs again (the activation was retired and a sweep reads it), and that attempt settles it.
    /// </summary>
    private async Task ResolveInDoubtAsync(long messageId)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            InDoubtReply entry;
            long generation;
            lock (_inDoubt)
            {
                if (!_inDoubt.TryGetValue(messageId, out entry!) || entry.Rerun)
                {
                    return;
                }

                generation = entry.Generation;
                if (!ReplyHub.IsWaiting(entry.ClientId, entry.RequestId) || !_partitions.TryGetEpoch(entry.Partition, out var epoch) || epoch != entry.Epoch)
                {
                    // The caller gave up, or the lease is gone (another silo may run the message and answer instead).
                    Remove(messageId);
                    return;
                }
            }

            bool? pending = null;
            try
            {
                pending = await _store.IsPendingUnderLeaseAsync(SiloId, new PartitionLease(entry.Partition, entry.Epoch), messageId, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                RuntimeLog.LoopFailed(_logger, ex, SiloId, "in-doubt reply");
            }

            if (pending == false)
            {
                lock (_inDoubt)
                {
                    if (!_inDoubt.TryGetValue(messageId, out var current) || current.Rerun || current.Generation != generation)
                    {
                        return; // an attempt started meanwhile: its outcome settles the reply
                    }

                    Remove(messageId);
                }

                Deliver(messageId, entry);
                return;
            }

            if (pending is null)
            {
                // The store says the lease is gone: another silo may run the message and answer instead.
                lock (_inDoubt)
                {
                    Remove(messageId);
                }

                return;
            }

            try
            {
                await Task.Delay(Options.PollInterval, TimeProvider, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Called under the <see cref="_inDoubt"/> lock.</summary>
    private void Remove(long messageId)
    {
        _inDoubt.Remove(messageId);
        Volatile.Write(ref _inDoubtCount, _inDoubt.Count);
    }

    private void Deliver(long messageId, InDoubtReply entry)
    {
        var error = entry.Ambiguous
            ? $"The turn of {entry.Grain}.{entry.Method} committed once, but the commits of two of its attempts ended without an answer and " +
              "their replies differ: which one is the committed reply is unknown. Read the grain's state to see the outcome."
            : entry.Error;
        RuntimeLog.InDoubtReplyDelivered(_logger, entry.Grain.ToString(), entry.Method, messageId);
        ReplyHub.Deliver(entry.ClientId, entry.RequestId, error is null ? entry.Payload : null, error);
    }

    private sealed class InDoubtReply(GrainId grain, string method, int partition, long epoch, string clientId, Guid requestId)
    {
        public GrainId Grain { get; } = grain;

        public string Method { get; } = method;

        public int Partition { get; } = partition;

        public long Epoch { get; } = epoch;

        public string ClientId { get; } = clientId;

        public Guid RequestId { get; } = requestId;

        public string? Payload { get; set; }

        public string? Error { get; set; }

        /// <summary>Attempts of the message whose commits ended without an answer returned different replies.</summary>
        public bool Ambiguous { get; set; }

        /// <summary>Another attempt of the message is running: its commit's outcome settles this reply.</summary>
        public bool Rerun { get; set; }

        /// <summary>Counts unknown outcomes: a resolver started for an earlier one stops.</summary>
        public int Generation { get; set; }
    }
}
