using Npgsql;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Postgres;

internal sealed partial class PostgresRuntimeStore
{
    /// <summary>
    /// One transaction in one round trip: fence, dead letters, consumption, failed attempts, states,
    /// sends, reminders, replies, read models (DESIGN R3, R4, R8). The batch carries no BEGIN/COMMIT:
    /// statements pipelined up to one Sync run in one implicit transaction that commits at the Sync
    /// and rolls back whole when any statement fails, so it is as atomic as an explicit block and
    /// saves the COMMIT round trip on every batch.
    /// </summary>
    public async Task<CommitResult> CommitAsync(
        string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            // No connection (refused, no slot left, pool exhausted): nothing was sent.
            throw new CommitNotAppliedException($"no connection to PostgreSQL for the commit: {ex.Message}", ex);
        }

        await using var _ = connection;
        await using var batch = new NpgsqlBatch(connection);

        var dead = turns.Where(t => t.DeadLetterError is not null && t.MessageId != 0).ToList();
        var consumed = turns.Where(t => t.MessageId != 0 && t.FailedAttemptError is null).Select(t => t.MessageId).ToArray();
        // The fence first, then the dead letters (they copy messages that the consumption deletes), then the consumption.
        // With no dead letter, fence and consumption are one statement (migration 013): one parse and result fewer.
        var fenceAndConsume = dead.Count == 0 && consumed.Length > 0;
        var fenceCmd = new NpgsqlBatchCommand(fenceAndConsume ? "SELECT reev_fence_consume(@o, @p, @e, @ids)" : "SELECT reev_fence(@o, @p, @e)");
        fenceCmd.Parameters.AddWithValue("o", siloId);
        fenceCmd.Parameters.AddWithValue("p", fence.Select(l => l.Partition).ToArray());
        fenceCmd.Parameters.AddWithValue("e", fence.Select(l => l.Epoch).ToArray());
        if (fenceAndConsume)
        {
            fenceCmd.Parameters.AddWithValue("ids", consumed);
        }

        batch.BatchCommands.Add(fenceCmd);

        if (dead.Count > 0)
        {
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_dead_letters (message_id, partition, grain_type, grain_key, method, kind, payload, reply_to, attempts, error)
                SELECT m.id, m.partition, m.grain_type, m.grain_key, m.method, m.kind, m.payload, m.reply_to, d.a, d.e
                FROM reev_messages m JOIN unnest(@ids, @a, @e) AS d(id, a, e) ON m.id = d.id
                ON CONFLICT (message_id) DO NOTHING
                """);
            cmd.Parameters.AddWithValue("ids", dead.Select(t => t.MessageId).ToArray());
            cmd.Parameters.AddWithValue("a", dead.Select(t => t.Attempts).ToArray());
            cmd.Parameters.AddWithValue("e", dead.Select(t => t.DeadLetterError!).ToArray());
            batch.BatchCommands.Add(cmd);
        }

        if (consumed.Length > 0 && !fenceAndConsume)
        {
            var cmd = new NpgsqlBatchCommand("SELECT reev_consume(@ids)");
            cmd.Parameters.AddWithValue("ids", consumed);
            batch.BatchCommands.Add(cmd);
        }

        var failed = turns.Where(t => t.FailedAttemptError is not null).ToList();
        if (failed.Count > 0)
        {
            var cmd = new NpgsqlBatchCommand("""
                UPDATE reev_messages m SET attempts = f.a, last_error = f.e
                FROM unnest(@ids, @a, @e) AS f(id, a, e) WHERE m.id = f.id
                """);
            cmd.Parameters.AddWithValue("ids", failed.Select(t => t.MessageId).ToArray());
            cmd.Parameters.AddWithValue("a", failed.Select(t => t.Attempts).ToArray());
            cmd.Parameters.AddWithValue("e", failed.Select(t => t.FailedAttemptError!).ToArray());
            batch.BatchCommands.Add(cmd);
        }

        var sends = turns.SelectMany(t => t.Sends).ToList();
        if (sends.Count > 0)
        {
            AddInsertMessages(batch, sends);
        }

        AddReminderChanges(batch, turns);
        AddReplies(batch, turns);
        AddProjections(batch, turns);

        var states = turns.Where(t => t.StateUtf8 is not null).ToList();
        if (states.Count > 0)
        {
            // Planned as a custom plan, the call would copy its parameters into the plan as constants, and the states are
            // the commit's largest value (tens to hundreds of KB): about 0.7 ms of every commit went to copying them while
            // planning a call that has nothing to plan. A generic plan keeps them parameters. The setting is local to the
            // commit's transaction, which ends at this statement: it is the batch's last, so no other statement is planned
            // under it and no statement is needed to set it back.
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
            var cmd = new NpgsqlBatchCommand("SELECT reev_write_states_utf8(@t, @k, @p, @v, @s)");
            cmd.Parameters.AddWithValue("t", states.Select(t => t.Grain.Type).ToArray());
            cmd.Parameters.AddWithValue("k", states.Select(t => t.Grain.Key).ToArray());
            cmd.Parameters.AddWithValue("p", states.Select(t => t.Partition).ToArray());
            cmd.Parameters.AddWithValue("v", states.Select(t => t.StateVersion).ToArray());
            cmd.Parameters.Add(Utf8Array("s", states.Select(t => t.StateUtf8!)));
            batch.BatchCommands.Add(cmd);
        }

        var sent = false;
        try
        {
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                sent = true;
                if (sends.Count > 0)
                {
                    // Committed (the reader went to the end looking), but without the sends' ids the turns cannot dispatch
                    // them: the outcome counts as unknown (the turns reload and find their messages consumed).
                    var ids = await ReadSentIdsAsync(reader, sends.Count, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException($"the commit of {turns.Count} turns returned no ids for its {sends.Count} sends");
                    var offset = 0;
                    foreach (var turn in turns)
                    {
                        turn.SentIds = ids[offset..(offset + turn.Sends.Count)];
                        offset += turn.Sends.Count;
                    }
                }

                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
                {
                }
            }

            // Every result was read to the end, so the Sync's ReadyForQuery arrived: the transaction committed.
            return CommitResult.Committed();
        }
        catch (PostgresException ex) when (ex.SqlState == "RV001")
        {
            var owned = (await ReadOwnedAsync(siloId, cancellationToken).ConfigureAwait(false)).ToHashSet();
            var lost = fence.Where(l => !owned.Contains(l)).ToList();
            PostgresLog.Fenced(_logger, lost.Count);
            if (lost.Count == 0)
            {
                throw new InvalidOperationException("Fencing rejected the commit but every lease is held; retry.", ex);
            }

            return CommitResult.Fenced(lost);
        }
        catch (PostgresException ex) when (ex.SqlState == "RV002")
        {
            await using var cmd = _dataSource.CreateCommand("SELECT id FROM reev_messages WHERE id = ANY(@ids)");
            cmd.Parameters.AddWithValue("ids", consumed);
            var present = new HashSet<long>();
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    present.Add(reader.GetInt64(0));
                }
            }

            var missing = consumed.Where(id => !present.Contains(id)).ToList();
            if (missing.Count == 0)
            {
                throw new InvalidOperationException("Consumption check failed but every message is present; retry.", ex);
            }

            return CommitResult.Duplicate(missing);
        }
        catch (PostgresException ex) when (ex.SqlState == "RV003" || StoreErrors.IsTransientSqlState(ex.SqlState))
        {
            // The server rolled the transaction back for a passing reason (a serialization failure, a deadlock, no room,
            // a shutdown) or because an activation's state is stale (RV003: it reloads): the same turns may commit next time.
            throw new CommitNotAppliedException($"PostgreSQL rolled the commit back ({ex.SqlState}): {ex.MessageText}", ex);
        }
        catch (PostgresException ex)
        {
            // Any other error the server raised aborted the implicit transaction, so nothing of the batch committed, and
            // committing the same writes again would raise it again: a value it cannot store (class 22), a constraint (23),
            // a program limit (54), or what a read-model writer's statement raises (21000 cardinality, 42xxx, 0A000 ...).
            // The silo halves the batch until the turn at fault fails alone.
            throw new CommitRejectedException($"PostgreSQL refused the writes ({ex.SqlState}): {ex.MessageText}", ex);
        }
        catch (Exception ex) when (!sent && StoreErrors.IsBindingError(ex))
        {
            // A parameter Npgsql cannot bind (text that is not valid UTF-16, a DateTimeOffset with an offset for timestamptz,
            // a value of the wrong type): it fails before anything is sent, so the transaction never started.
            throw new CommitRejectedException($"a value of the writes cannot be sent to PostgreSQL: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private static void AddReminderChanges(NpgsqlBatch batch, IReadOnlyList<TurnCommit> turns)
    {
        var upserts = turns.SelectMany(t => t.Reminders.Where(r => r.DueAt is not null).Select(r => (t, r))).ToList();
        if (upserts.Count > 0)
        {
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_reminders (grain_type, grain_key, name, partition, due_at, period_ms)
                SELECT * FROM unnest(@t, @k, @n, @p, @d, @ms)
                ON CONFLICT (grain_type, grain_key, name) DO UPDATE SET due_at = excluded.due_at, period_ms = excluded.period_ms,
                    partition = excluded.partition
                """);
            cmd.Parameters.AddWithValue("t", upserts.Select(x => x.t.Grain.Type).ToArray());
            cmd.Parameters.AddWithValue("k", upserts.Select(x => x.t.Grain.Key).ToArray());
            cmd.Parameters.AddWithValue("n", upserts.Select(x => x.r.Name).ToArray());
            cmd.Parameters.AddWithValue("p", upserts.Select(x => x.t.Partition).ToArray());
            cmd.Parameters.AddWithValue("d", upserts.Select(x => x.r.DueAt!.Value).ToArray());
            cmd.Parameters.AddWithValue("ms", upserts.Select(x => x.r.Period is { } p ? (long?)p.TotalMilliseconds : null).ToArray());
            batch.BatchCommands.Add(cmd);
        }

        var deletes = turns.SelectMany(t => t.Reminders.Where(r => r.DueAt is null).Select(r => (t, r))).ToList();
        if (deletes.Count > 0)
        {
            var cmd = new NpgsqlBatchCommand("""
                DELETE FROM reev_reminders r USING unnest(@t, @k, @n) AS d(t, k, n)
                WHERE r.grain_type = d.t AND r.grain_key = d.k AND r.name = d.n
                """);
            cmd.Parameters.AddWithValue("t", deletes.Select(x => x.t.Grain.Type).ToArray());
            cmd.Parameters.AddWithValue("k", deletes.Select(x => x.t.Grain.Key).ToArray());
            cmd.Parameters.AddWithValue("n", deletes.Select(x => x.r.Name).ToArray());
            batch.BatchCommands.Add(cmd);
        }
    }

    private static void AddReplies(NpgsqlBatch batch, IReadOnlyList<TurnCommit> turns)
    {
        var replies = turns.Where(t => t.Reply is not null).Select(t => t.Reply!).ToList();
        if (replies.Count == 0)
        {
            return;
        }

        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO reev_replies (request_id, client_id, payload, error) SELECT * FROM unnest(@r, @c, @p, @e)
            ON CONFLICT (request_id) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("r", replies.Select(r => r.RequestId).ToArray());
        cmd.Parameters.AddWithValue("c", replies.Select(r => r.ClientId).ToArray());
        cmd.Parameters.AddWithValue("p", replies.Select(r => r.Payload).ToArray());
        cmd.Parameters.AddWithValue("e", replies.Select(r => r.Error).ToArray());
        batch.BatchCommands.Add(cmd);
    }

    private void AddProjections(NpgsqlBatch batch, IReadOnlyList<TurnCommit> turns)
    {
        foreach (var group in turns.SelectMany(t => t.Projections).OfType<IReadModelRow>().GroupBy(r => r.GetType()))
        {
            if (!_writers.TryGetValue(group.Key, out var writer))
            {
                throw new CommitRejectedException($"No PostgreSQL read-model writer is registered for {group.Key.Name}.");
            }

            // Keep only the last row per key: a batch may hold several turns of one grain.
            var rows = group.GroupBy(r => r.Key, StringComparer.Ordinal).Select(g => g.Last()).ToList();
            writer.AddCommands(batch, rows);
        }
    }

    public async Task<IReadOnlyList<StoredMessage>> FireDueRemindersAsync(
        string siloId, IReadOnlyList<PartitionLease> owned, DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        // Cheap look first: most polls find nothing due and take no locks.
        await using (var probe = _dataSource.CreateCommand(
            "SELECT EXISTS (SELECT 1 FROM reev_reminders WHERE partition = ANY(@p) AND due_at <= @now)"))
        {
            probe.Parameters.AddWithValue("p", owned.Select(l => l.Partition).ToArray());
            probe.Parameters.AddWithValue("now", now);
            if (!(bool)(await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return [];
            }
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<(string Type, string Key, string Name, int Partition, DateTimeOffset DueAt, long? PeriodMs)>();
        await using (var select = new NpgsqlCommand("""
            SELECT grain_type, grain_key, name, partition, due_at, period_ms FROM reev_reminders
            WHERE partition = ANY(@p) AND due_at <= @now ORDER BY due_at LIMIT @max FOR UPDATE SKIP LOCKED
            """, connection, tx))
        {
            select.Parameters.AddWithValue("p", owned.Select(l => l.Partition).ToArray());
            select.Parameters.AddWithValue("now", now);
            select.Parameters.AddWithValue("max", max);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                due.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetInt64(5)));
            }
        }

        if (due.Count == 0)
        {
            return [];
        }

        var messages = due.Select(d => new OutboundMessage(
            d.Partition, d.Type, d.Key, d.Name, MessageKind.Reminder,
            System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                new ReminderTick(d.DueAt, d.PeriodMs is { } ms ? TimeSpan.FromMilliseconds(ms) : null), ReminderTickJson.Options),
            null, null)).ToList();
        var leases = owned.Where(l => due.Any(d => d.Partition == l.Partition)).ToList();
        await using var batch = new NpgsqlBatch(connection, tx);
        var fenceCmd = new NpgsqlBatchCommand("SELECT reev_fence(@o, @p, @e)");
        fenceCmd.Parameters.AddWithValue("o", siloId);
        fenceCmd.Parameters.AddWithValue("p", leases.Select(l => l.Partition).ToArray());
        fenceCmd.Parameters.AddWithValue("e", leases.Select(l => l.Epoch).ToArray());
        batch.BatchCommands.Add(fenceCmd);
        var advance = new NpgsqlBatchCommand("""
            UPDATE reev_reminders r SET due_at = CASE WHEN d.due + d.ms * interval '1 millisecond' > @now
                THEN d.due + d.ms * interval '1 millisecond' ELSE @now + d.ms * interval '1 millisecond' END
            FROM unnest(@t, @k, @n, @due, @ms) AS d(t, k, n, due, ms)
            WHERE d.ms IS NOT NULL AND r.grain_type = d.t AND r.grain_key = d.k AND r.name = d.n;
            """);
        advance.Parameters.AddWithValue("t", due.Select(d => d.Type).ToArray());
        advance.Parameters.AddWithValue("k", due.Select(d => d.Key).ToArray());
        advance.Parameters.AddWithValue("n", due.Select(d => d.Name).ToArray());
        advance.Parameters.AddWithValue("due", due.Select(d => d.DueAt).ToArray());
        advance.Parameters.AddWithValue("ms", due.Select(d => d.PeriodMs).ToArray());
        advance.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(advance);
        var remove = new NpgsqlBatchCommand("""
            DELETE FROM reev_reminders r USING unnest(@t, @k, @n, @ms) AS d(t, k, n, ms)
            WHERE d.ms IS NULL AND r.grain_type = d.t AND r.grain_key = d.k AND r.name = d.n
            """);
        remove.Parameters.AddWithValue("t", due.Select(d => d.Type).ToArray());
        remove.Parameters.AddWithValue("k", due.Select(d => d.Key).ToArray());
        remove.Parameters.AddWithValue("n", due.Select(d => d.Name).ToArray());
        remove.Parameters.AddWithValue("ms", due.Select(d => d.PeriodMs).ToArray());
        batch.BatchCommands.Add(remove);
        AddInsertMessages(batch, messages);
        long[] ids;
        try
        {
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            ids = await ReadSentIdsAsync(reader, messages.Count, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException("Reminder batch returned no message ids.");
        }
        catch (PostgresException ex) when (ex.SqlState == "RV001")
        {
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return messages.Select((m, i) => m.ToStored(ids[i])).ToList();
    }
}
