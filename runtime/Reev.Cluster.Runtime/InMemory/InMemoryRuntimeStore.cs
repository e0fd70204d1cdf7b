using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.InMemory;

/// <summary>The in-memory provider: the same contract and semantics as PostgreSQL, under one lock.</summary>
internal sealed class InMemoryRuntimeStore(InMemoryDatabase db, int partitionCount, TimeProvider timeProvider) : IRuntimeStore
{
    private Action<WakeSignal>? _subscription;
    private volatile bool _disposed;

    public string ProviderName => "in-memory";

    /// <summary>In this process: state copies and immutable arguments are kept as objects (ADR 0016).</summary>
    public bool KeepsObjects => true;

    public int PartitionCount => partitionCount;

    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            if (db.PartitionCount == 0)
            {
                db.PartitionCount = partitionCount;
                db.Partitions = new (string?, long)[partitionCount];
            }
            else if (db.PartitionCount != partitionCount)
            {
                throw new ClusterConfigurationException(
                    $"The cluster was created with {db.PartitionCount} partitions; this silo is configured with {partitionCount} ({SiloOptions.SectionName}:PartitionCount).");
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> HeartbeatAsync(string siloId, Guid incarnation, TimeSpan lease, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            var now = timeProvider.GetUtcNow();
            var found = db.Silos.TryGetValue(siloId, out var existing);
            if (found && existing.Incarnation != incarnation && !existing.Left && existing.LeaseExpiresAt > now)
            {
                throw new ClusterConfigurationException(SiloIdInUse(siloId, existing.LeaseExpiresAt));
            }

            if (found && existing.Incarnation != incarnation)
            {
                // Taken over from another incarnation: its leases are released, not inherited (it may only be paused). Released
                // from a member whose lease ran out (it may have died in a turn), they are orphaned: the claim that takes them
                // counts as a takeover from an expired owner (DESIGN R4), as if another silo had taken them.
                for (var p = 0; p < db.PartitionCount; p++)
                {
                    if (db.Partitions[p].Owner == siloId)
                    {
                        db.Partitions[p] = (null, db.Partitions[p].Epoch);
                        if (!existing.Left)
                        {
                            db.Orphaned.Add(p);
                        }
                    }
                }
            }

            db.Silos[siloId] = (now + lease, false, incarnation);
            IReadOnlyList<string> live = db.Silos.Where(s => !s.Value.Left && s.Value.LeaseExpiresAt > now)
                .Select(s => s.Key).Order(StringComparer.Ordinal).ToList();
            return Task.FromResult(live);
        }
    }

    public Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            IReadOnlyList<PartitionLease> owned = Enumerable.Range(0, db.PartitionCount)
                .Where(p => db.Partitions[p].Owner == siloId)
                .Select(p => new PartitionLease(p, db.Partitions[p].Epoch)).ToList();
            return Task.FromResult(owned);
        }
    }

    public async Task<IReadOnlyList<PartitionLease>> ClaimAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken) =>
        (await ClaimTakingOverAsync(siloId, incarnation, count, cancellationToken).ConfigureAwait(false)).Select(c => c.Lease).ToList();

    public Task<IReadOnlyList<(PartitionLease Lease, bool Expired)>> ClaimTakingOverAsync(
        string siloId, Guid incarnation, int count, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            var now = timeProvider.GetUtcNow();
            var claimed = new List<(PartitionLease Lease, bool Expired)>();
            if (!db.Silos.TryGetValue(siloId, out var self) || self.Incarnation != incarnation)
            {
                return Task.FromResult<IReadOnlyList<(PartitionLease Lease, bool Expired)>>(claimed);
            }

            for (var p = 0; p < db.PartitionCount && claimed.Count < count; p++)
            {
                var (owner, epoch) = db.Partitions[p];
                var free = owner is null
                    || !db.Silos.TryGetValue(owner, out var silo)
                    || silo.Left
                    || silo.LeaseExpiresAt < now;
                if (free && owner != siloId)
                {
                    // Expired: its owner is still a member but its lease ran out (it died, or hangs), as against a partition
                    // released, never owned, or of a silo that left.
                    // Or orphaned: released by a heartbeat that took the id over from such an owner.
                    var expired = owner is not null && db.Silos.TryGetValue(owner, out var previous) && !previous.Left && previous.LeaseExpiresAt < now;
                    expired |= db.Orphaned.Remove(p) && owner is null;
                    db.Partitions[p] = (siloId, epoch + 1);
                    claimed.Add((new PartitionLease(p, epoch + 1), expired));
                }
            }

            return Task.FromResult<IReadOnlyList<(PartitionLease Lease, bool Expired)>>(claimed);
        }
    }

    public Task ReleaseAsync(string siloId, IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            foreach (var lease in leases)
            {
                if (db.Partitions[lease.Partition] == (siloId, lease.Epoch))
                {
                    db.Partitions[lease.Partition] = (null, lease.Epoch);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task LeaveAsync(string siloId, Guid incarnation, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            if (db.Silos.TryGetValue(siloId, out var silo) && silo.Incarnation == incarnation)
            {
                db.Silos[siloId] = (silo.LeaseExpiresAt, true, silo.Incarnation);
            }
        }

        return Task.CompletedTask;
    }

    public Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            var ids = new long[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                ids[i] = db.NextMessageId++;
                db.Messages[ids[i]] = messages[i].ToStored(ids[i]);
            }

            return Task.FromResult(ids);
        }
    }

    public Task<FetchPage> FetchAsync(
        IReadOnlyCollection<int> partitions, FetchCursor after, int max, CancellationToken cancellationToken)
    {
        var set = partitions as ISet<int> ?? partitions.ToHashSet();
        lock (db.Lock)
        {
            Check();
            var rows = db.Messages.After(after.Id)
                .Where(m => set.Contains(m.Partition))
                .Take(max).ToList();
            return Task.FromResult(new FetchPage(rows, rows.Count > 0 ? new FetchCursor(0, rows[^1].Id) : after));
        }
    }

    public Task<bool> SweepAsync(
        IReadOnlyCollection<int> partitions, int pageSize, Func<IReadOnlyList<StoredMessage>, bool> onPage, CancellationToken cancellationToken)
    {
        // Ids are assigned under the lock in commit order, so id pages are as good as one snapshot.
        var set = partitions as ISet<int> ?? partitions.ToHashSet();
        var after = 0L;
        while (true)
        {
            List<StoredMessage> rows;
            lock (db.Lock)
            {
                Check();
                rows = db.Messages.After(after).Where(m => set.Contains(m.Partition)).Take(pageSize).ToList();
            }

            if (!onPage(rows))
            {
                return Task.FromResult(rows.Count < pageSize);
            }

            if (rows.Count < pageSize)
            {
                return Task.FromResult(true);
            }

            after = rows[^1].Id;
        }
    }

    public Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            return Task.FromResult(db.States.TryGetValue(grain, out var entry) ? entry.ToStored() : null);
        }
    }

    public Task<CommitResult> CommitAsync(
        string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            var lost = fence.Where(l => db.Partitions[l.Partition] != (siloId, l.Epoch)).ToList();
            if (lost.Count > 0)
            {
                return Task.FromResult(CommitResult.Fenced(lost));
            }

            var missing = turns.Where(t => t.MessageId != 0 && !db.Messages.ContainsKey(t.MessageId)).Select(t => t.MessageId).ToList();
            if (missing.Count > 0)
            {
                return Task.FromResult(CommitResult.Duplicate(missing));
            }

            foreach (var turn in turns.Where(t => t.WritesState))
            {
                var current = db.States.TryGetValue(turn.Grain, out var entry) ? entry.Version : 0;
                if (current != turn.StateVersion - 1)
                {
                    // Nothing is applied, and the activation reloads its state: as PostgreSQL's RV003.
                    throw new CommitNotAppliedException(
                        $"State version conflict on {turn.Grain}: stored {current}, written {turn.StateVersion}.");
                }
            }

            // Checked before anything is applied: a batch is written whole or not at all.
            foreach (var projection in turns.SelectMany(t => t.Projections))
            {
                if (projection is not IReadModelRow)
                {
                    throw new CommitRejectedException($"{projection.GetType().Name} is not a read-model row (IReadModelRow).");
                }
            }

            var now = timeProvider.GetUtcNow();
            foreach (var turn in turns)
            {
                Apply(turn, now);
            }

            return Task.FromResult(CommitResult.Committed());
        }
    }

    private void Apply(TurnCommit turn, DateTimeOffset now)
    {
        if (turn.FailedAttemptError is not null)
        {
            db.Messages[turn.MessageId] = db.Messages[turn.MessageId] with { Attempts = turn.Attempts };
            return;
        }

        if (turn.MessageId != 0 && db.Messages.Remove(turn.MessageId, out var consumed) && turn.DeadLetterError is not null)
        {
            db.DeadLetters.Add(new DeadLetter(consumed.Id, consumed.GrainType, consumed.GrainKey, consumed.Method, turn.Attempts, turn.DeadLetterError, now));
        }

        if (turn.WritesState)
        {
            db.States[turn.Grain] = new StateEntry(turn.StateUtf8, turn.StateVersion, turn.StateCopy);
        }

        turn.SentIds = new long[turn.Sends.Count];
        for (var i = 0; i < turn.Sends.Count; i++)
        {
            var id = db.NextMessageId++;
            turn.SentIds[i] = id;
            db.Messages[id] = turn.Sends[i].ToStored(id);
        }

        foreach (var change in turn.Reminders)
        {
            if (change.DueAt is { } due)
            {
                db.Reminders.Set(turn.Grain, change.Name, turn.Partition, due, change.Period);
            }
            else
            {
                db.Reminders.Remove(turn.Grain, change.Name);
            }
        }

        if (turn.Reply is { } reply)
        {
            if (!db.Replies.TryGetValue(reply.ClientId, out var list))
            {
                db.Replies[reply.ClientId] = list = [];
            }

            list.Add((reply.RequestId, reply.Payload, reply.Error, now));
        }

        foreach (var projection in turn.Projections)
        {
            InMemoryProjections.Apply(db, projection);
        }
    }

    public Task<IReadOnlyList<StoredMessage>> FireDueRemindersAsync(
        string siloId, IReadOnlyList<PartitionLease> owned, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            if (!db.Reminders.AnyDue(now))
            {
                // Most polls find nothing due (every turn that sets a reminder signals one): no partition set to build.
                return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            var valid = owned.Where(l => db.Partitions[l.Partition] == (siloId, l.Epoch)).Select(l => l.Partition).ToHashSet();
            var due = db.Reminders.Due(now, valid.Contains, max);
            var fired = new List<StoredMessage>(due.Count);
            foreach (var (grain, name, (partition, dueAt, period, _)) in due)
            {
                var id = db.NextMessageId++;
                var payload = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ReminderTick(dueAt, period), ReminderTickJson.Options);
                var message = new StoredMessage(id, partition, grain.Type, grain.Key, name, MessageKind.Reminder, payload, null, 0, null);
                db.Messages[id] = message;
                fired.Add(message);
                if (period is { } p)
                {
                    var next = dueAt + p;
                    db.Reminders.Set(grain, name, partition, next > now ? next : now + p, period);
                }
                else
                {
                    db.Reminders.Remove(grain, name);
                }
            }

            return Task.FromResult<IReadOnlyList<StoredMessage>>(fired);
        }
    }

    public Task<IReadOnlyList<(Guid RequestId, string? Payload, string? Error)>> TakeRepliesAsync(
        string clientId, IReadOnlyCollection<Guid> requestIds, CancellationToken cancellationToken)
    {
        // In one process client ids are unique, so everything for the client is taken: replies to asks that gave up
        // do not pile up (the router ignores them).
        lock (db.Lock)
        {
            Check();
            if (!db.Replies.Remove(clientId, out var list))
            {
                return Task.FromResult<IReadOnlyList<(Guid, string?, string?)>>([]);
            }

            return Task.FromResult<IReadOnlyList<(Guid, string?, string?)>>(list.Select(r => (r.RequestId, r.Payload, r.Error)).ToList());
        }
    }

    public Task<bool?> IsPendingUnderLeaseAsync(string siloId, PartitionLease lease, long messageId, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            return Task.FromResult<bool?>(db.Partitions[lease.Partition] == (siloId, lease.Epoch) ? db.Messages.ContainsKey(messageId) : null);
        }
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            return Task.FromResult<IReadOnlyList<DeadLetter>>(db.DeadLetters.TakeLast(limit).Reverse().ToList());
        }
    }

    public Task<long> EstimatePendingAsync(CancellationToken cancellationToken) => CountPendingAsync(cancellationToken);

    /// <summary>
    /// Removed messages and reminders are gone from the dictionaries already; what is left to reclaim are the replies of
    /// clients that never take them (gone away), deleted after <see cref="ReplyRecord.OrphanedAge"/> as in PostgreSQL.
    /// </summary>
    public Task<bool> ReclaimQueueSpaceAsync(CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            var cutoff = timeProvider.GetUtcNow() - ReplyRecord.OrphanedAge;
            foreach (var (clientId, list) in db.Replies.ToList())
            {
                list.RemoveAll(r => r.StoredAt < cutoff);
                if (list.Count == 0)
                {
                    db.Replies.Remove(clientId);
                }
            }
        }

        return Task.FromResult(true);
    }

    public Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            return Task.FromResult((long)db.Messages.Count);
        }
    }

    public Task NotifyAsync(WakeSignal signal, CancellationToken cancellationToken)
    {
        Action<WakeSignal>[] subscribers;
        lock (db.Lock)
        {
            Check();
            subscribers = [.. db.Subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(signal);
        }

        return Task.CompletedTask;
    }

    public Task SubscribeAsync(Action<WakeSignal> handler, CancellationToken cancellationToken)
    {
        lock (db.Lock)
        {
            Check();
            _subscription = handler;
            db.Subscribers.Add(handler);
        }

        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (db.Lock)
        {
            _disposed = true;
            if (_subscription is not null)
            {
                db.Subscribers.Remove(_subscription);
            }
        }

        return ValueTask.CompletedTask;
    }

    private void Check() => ObjectDisposedException.ThrowIf(_disposed, this);

    internal static string SiloIdInUse(string siloId, DateTimeOffset until) =>
        $"Silo id '{siloId}' is held by another live silo (its lease runs until {until:O}); give each silo its own {SiloOptions.SectionName}:SiloId.";
}
