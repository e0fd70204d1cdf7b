using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Runtime.Engine;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Postgres;

/// <summary>The PostgreSQL provider of the runtime contract (DESIGN R2-R4, R6-R8, R10).</summary>
internal sealed partial class PostgresRuntimeStore : IRuntimeStore
{
    private const string WakeChannel = "reev_wake";

    /// <summary>How long the store's end waits for its LISTEN loop to notice it.</summary>
    private static readonly TimeSpan ListenerStopWait = TimeSpan.FromSeconds(5);

    /// <summary>The longest a LISTEN wait lasts before the loop checks whether the store is ending.</summary>
    private static readonly TimeSpan ListenWait = TimeSpan.FromMilliseconds(500);
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _connectionString;
    private readonly IReadOnlyList<PostgresMigration> _migrations;
    private readonly IReadOnlyDictionary<Type, IPostgresReadModelWriter> _writers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposed = new();
    private readonly StateReadBatcher _stateReads;
    private Task? _listener;

    public PostgresRuntimeStore(
        string connectionString,
        int partitionCount,
        IReadOnlyList<PostgresMigration> migrations,
        IReadOnlyDictionary<Type, IPostgresReadModelWriter> writers,
        ILoggerFactory loggerFactory)
    {
        _connectionString = connectionString;
        PartitionCount = partitionCount;
        _migrations = migrations;
        _writers = writers;
        _logger = loggerFactory.CreateLogger("Reev.Cluster.Runtime.Postgres");
        _dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        // The system clock, not the silo's: the batcher's wait is a few milliseconds of grouping, not a duration of the domain,
        // and a test's frozen clock must not hold its activations' reads.
        _stateReads = new StateReadBatcher(_dataSource, TimeProvider.System, _disposed.Token);
    }

    public string ProviderName => "postgres";

    /// <summary>Each INSERT of outside sends is a transaction and a round trip: while they keep coming, 2 ms of company (ADR 0025).</summary>
    public TimeSpan EnqueueGatherWindow => TimeSpan.FromMilliseconds(2);

    public int PartitionCount { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await PostgresMigrator.MigrateAsync(_dataSource, PartitionCount, _migrations, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException || IsUnavailable((PostgresException)ex))
        {
            var b = new NpgsqlConnectionStringBuilder(_connectionString);
            throw new ClusterUnavailableException(
                $"Cannot reach PostgreSQL at {b.Host}:{b.Port} (database '{b.Database}'): {ex.Message}", ex);
        }
        catch (PostgresException ex) when (ex.SqlState is "28P01" or "28000" or "3D000")
        {
            throw new ClusterConfigurationException($"PostgreSQL refused the connection: {ex.MessageText}", ex);
        }
    }

    /// <summary>
    /// The server refuses for now, not for good: too many connections or no room (class 53), starting or shutting down
    /// (57P01-57P03), a connection failure (class 08). Worth a retry by whoever started the process; not a setting to fix.
    /// </summary>
    private static bool IsUnavailable(PostgresException ex) =>
        ex.SqlState.StartsWith("53", StringComparison.Ordinal) || ex.SqlState.StartsWith("08", StringComparison.Ordinal)
        || ex.SqlState is "57P01" or "57P02" or "57P03";

    public async Task<IReadOnlyList<string>> HeartbeatAsync(string siloId, Guid incarnation, TimeSpan lease, CancellationToken cancellationToken)
    {
        // Takes the row only for this incarnation, or when the previous holder left or its lease ran out; taking it over from
        // another incarnation releases the id's partitions (migration 008), marked orphaned when that incarnation's lease
        // ran out (migration 010).
        await using var cmd = _dataSource.CreateCommand("""
            SELECT renewed, lease_expires_at FROM reev_heartbeat_orphaning(@id, @inc, @lease);
            SELECT silo_id FROM reev_silos WHERE status = 'active' AND lease_expires_at > now() ORDER BY silo_id COLLATE "C";
            """);
        cmd.Parameters.AddWithValue("id", siloId);
        cmd.Parameters.AddWithValue("lease", lease);
        cmd.Parameters.AddWithValue("inc", incarnation);
        var live = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!reader.GetBoolean(0))
        {
            throw new ClusterConfigurationException(InMemory.InMemoryRuntimeStore.SiloIdInUse(siloId, reader.GetFieldValue<DateTimeOffset>(1)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            live.Add(reader.GetString(0));
        }

        return live;
    }

    public async Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT partition, epoch FROM reev_partitions WHERE owner = @id ORDER BY partition");
        cmd.Parameters.AddWithValue("id", siloId);
        return await ReadLeasesAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<PartitionLease>> ClaimAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken)
    {
        // Skips partitions a commit is fencing at this moment (their advisory lock is held): migration 004. Nothing for an
        // incarnation that does not hold the id: migration 008.
        await using var cmd = _dataSource.CreateCommand("SELECT partition, epoch FROM reev_claim(@id, @n, @inc)");
        cmd.Parameters.AddWithValue("id", siloId);
        cmd.Parameters.AddWithValue("inc", incarnation);
        cmd.Parameters.AddWithValue("n", count);
        return await ReadLeasesAsync(cmd, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<(PartitionLease Lease, bool Expired)>> ClaimTakingOverAsync(
        string siloId, Guid incarnation, int count, CancellationToken cancellationToken)
    {
        // reev_claim (008) that also tells which partitions were taken from an owner whose lease ran out (migration 009), or
        // released by a heartbeat taking over the id of such an owner (orphaned, migration 010).
        await using var cmd = _dataSource.CreateCommand("SELECT partition, epoch, expired FROM reev_claim_taking_over_orphans(@id, @n, @inc)");
        cmd.Parameters.AddWithValue("id", siloId);
        cmd.Parameters.AddWithValue("inc", incarnation);
        cmd.Parameters.AddWithValue("n", count);
        var list = new List<(PartitionLease Lease, bool Expired)>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((new PartitionLease(reader.GetInt32(0), reader.GetInt64(1)), reader.GetBoolean(2)));
        }

        return list;
    }

    public async Task ReleaseAsync(string siloId, IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken)
    {
        if (leases.Count == 0)
        {
            return;
        }

        // Waits for the commits in flight on these partitions to end (their advisory locks): migration 004.
        await using var cmd = _dataSource.CreateCommand("SELECT reev_release(@id, @parts, @epochs)");
        cmd.Parameters.AddWithValue("id", siloId);
        cmd.Parameters.AddWithValue("parts", leases.Select(l => l.Partition).ToArray());
        cmd.Parameters.AddWithValue("epochs", leases.Select(l => l.Epoch).ToArray());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task LeaveAsync(string siloId, Guid incarnation, CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand("UPDATE reev_silos SET status = 'left' WHERE silo_id = @id AND incarnation = @inc");
        cmd.Parameters.AddWithValue("id", siloId);
        cmd.Parameters.AddWithValue("inc", incarnation);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        AddInsertMessages(batch, messages);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadIdsAsync(reader, messages.Count, cancellationToken).ConfigureAwait(false);
    }

    public async Task<FetchPage> FetchAsync(
        IReadOnlyCollection<int> partitions, FetchCursor after, int max, CancellationToken cancellationToken)
    {
        // Rows of transactions older than the snapshot's xmin are final: no transaction that could still
        // insert below the cursor is running. Ordering by (tx, id) keeps a sender's messages in order.
        await using var cmd = _dataSource.CreateCommand("""
            SELECT r.id, r.partition, r.grain_type, r.grain_key, r.method, r.kind, convert_to(r.payload, 'UTF8'), r.reply_to, r.attempts,
                   r.trace_parent, r.tx::text, x.horizon::text
            FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS horizon) x
            LEFT JOIN LATERAL (
                SELECT m.* FROM reev_messages m
                WHERE m.partition = ANY(@parts) AND (m.tx, m.id) > (@tx::text::xid8, @id) AND m.tx < x.horizon
                ORDER BY m.tx, m.id LIMIT @max) r ON true
            """);
        cmd.Parameters.AddWithValue("parts", partitions.ToArray());
        cmd.Parameters.AddWithValue("tx", after.Tx.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("id", after.Id);
        cmd.Parameters.AddWithValue("max", max);
        var rows = new List<StoredMessage>();
        long horizon = 0, lastTx = 0;
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            horizon = long.Parse(reader.GetString(11), System.Globalization.CultureInfo.InvariantCulture);
            if (reader.IsDBNull(0))
            {
                continue;
            }

            lastTx = long.Parse(reader.GetString(10), System.Globalization.CultureInfo.InvariantCulture);
            rows.Add(ReadMessage(reader));
        }

        // A full page continues after its last row; a short one has read everything below the horizon.
        var next = rows.Count == max
            ? new FetchCursor(lastTx, rows[^1].Id)
            : new FetchCursor(Math.Max(after.Tx, horizon - 1), long.MaxValue);
        return new FetchPage(rows, next);
    }

    public async Task<bool> SweepAsync(
        IReadOnlyCollection<int> partitions, int pageSize, Func<IReadOnlyList<StoredMessage>, bool> onPage, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var parts = partitions.ToArray();
        var after = 0L;
        while (true)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT id, partition, grain_type, grain_key, method, kind, convert_to(payload, 'UTF8'), reply_to, attempts, trace_parent
                FROM reev_messages WHERE partition = ANY(@parts) AND id > @after ORDER BY id LIMIT @max
                """, connection, tx);
            cmd.Parameters.AddWithValue("parts", parts);
            cmd.Parameters.AddWithValue("after", after);
            cmd.Parameters.AddWithValue("max", pageSize);
            var rows = new List<StoredMessage>();
            await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rows.Add(ReadMessage(reader));
                }
            }

            var more = onPage(rows);
            if (rows.Count < pageSize)
            {
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }

            if (!more)
            {
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return false;
            }

            after = rows[^1].Id;
        }
    }

    private static StoredMessage ReadMessage(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetInt32(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        (MessageKind)reader.GetInt16(5),
        reader.GetFieldValue<byte[]>(6), // UTF-8: convert_to in the query
        reader.IsDBNull(7) ? null : reader.GetString(7),
        reader.GetInt32(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    public Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken) =>
        _stateReads.ReadAsync(grain, cancellationToken);

    public async Task<IReadOnlyList<(Guid RequestId, string? Payload, string? Error)>> TakeRepliesAsync(
        string clientId, IReadOnlyCollection<Guid> requestIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requestIds);
        if (requestIds.Count == 0)
        {
            return [];
        }

        // Replies nobody takes (an ask that timed out) are deleted by the reclaim pass after 10 minutes.
        await using var cmd = _dataSource.CreateCommand("DELETE FROM reev_replies WHERE client_id = @c AND request_id = ANY(@r) RETURNING request_id, payload, error");
        cmd.Parameters.AddWithValue("c", clientId);
        cmd.Parameters.AddWithValue("r", requestIds.ToArray());
        var list = new List<(Guid, string?, string?)>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return list;
    }

    public async Task<bool?> IsPendingUnderLeaseAsync(string siloId, PartitionLease lease, long messageId, CancellationToken cancellationToken)
    {
        // One statement, one snapshot: the lease and the message are read as of the same moment. A commit still running
        // (its connection lost, the server not done with it yet) has not taken the message in that snapshot; the message
        // then runs again, and whichever of the two commits second finds it consumed.
        await using var cmd = _dataSource.CreateCommand("""
            SELECT EXISTS (SELECT 1 FROM reev_partitions WHERE partition = @p AND owner = @o AND epoch = @e),
                   EXISTS (SELECT 1 FROM reev_messages WHERE id = @id)
            """);
        cmd.Parameters.AddWithValue("p", lease.Partition);
        cmd.Parameters.AddWithValue("o", siloId);
        cmd.Parameters.AddWithValue("e", lease.Epoch);
        cmd.Parameters.AddWithValue("id", messageId);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return reader.GetBoolean(0) ? reader.GetBoolean(1) : null;
    }

    public async Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int limit, CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand("""
            SELECT message_id, grain_type, grain_key, method, attempts, error, dead_at
            FROM reev_dead_letters ORDER BY dead_at DESC LIMIT @n
            """);
        cmd.Parameters.AddWithValue("n", limit);
        var list = new List<DeadLetter>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new DeadLetter(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt32(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }

    public async Task<long> EstimatePendingAsync(CancellationToken cancellationToken)
    {
        // count(*) scans the queue table, dead rows included: 58 ms a call under the flow load, from every silo at every
        // heartbeat. The statistic is maintained by inserts and deletes as they commit.
        await using var cmd = _dataSource.CreateCommand("SELECT pg_stat_get_live_tuples('reev_messages'::regclass)");
        return Math.Max(0, (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!);
    }

    public async Task<bool> ReclaimQueueSpaceAsync(CancellationToken cancellationToken)
    {
        // Every message is one INSERT and one DELETE, and autovacuum visits a database at most once per
        // autovacuum_naptime (1 min by default): until it does, no insert can reuse a consumed row's room, so the
        // table and its indexes grow by a minute of traffic (90 MB in 20 s of the flow benchmark) and every insert
        // extends the relation. VACUUM does not block inserts or deletes as long as it does not truncate the table's
        // empty end, which takes the table's exclusive lock: the queue tables are set not to (migration 011, ADR 0021).
        // SKIP_LOCKED passes a table that another silo or autovacuum is vacuuming at that moment instead of queueing
        // behind it.
        await using (var orphans = _dataSource.CreateCommand($"DELETE FROM reev_replies WHERE created_at < now() - interval '{ReplyRecord.OrphanedAge.TotalSeconds} seconds'"))
        {
            // A reply is deleted when its client reads it. One still here after this long belongs to a client that gave up
            // (its ask timed out) or exited, and nobody will read it.
            await orphans.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var cmd = _dataSource.CreateCommand("VACUUM (SKIP_LOCKED) reev_messages, reev_reminders");
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand("SELECT count(*) FROM reev_messages");
        return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async Task NotifyAsync(WakeSignal signal, CancellationToken cancellationToken)
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT pg_notify('{WakeChannel}', @s)");
        cmd.Parameters.AddWithValue("s", signal.ToString());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task SubscribeAsync(Action<WakeSignal> handler, CancellationToken cancellationToken)
    {
        _listener = Task.Run(() => ListenAsync(handler, _disposed.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Keeps a LISTEN connection; reconnects after failures and then wakes everything to catch up.</summary>
    private async Task ListenAsync(Action<WakeSignal> handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (Enum.TryParse<WakeSignal>(e.Payload, out var signal))
                    {
                        handler(signal);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {WakeChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                handler(WakeSignal.Messages);
                handler(WakeSignal.Replies);
                // The wait is bounded and never cancelled through the token: cancelling NpgsqlConnection.WaitAsync can
                // deadlock inside the driver (npgsql/npgsql#5975), and the cancel would then hold the store's end, and a
                // silo's stop or kill, for ever. The loop looks at the token between waits instead, so the store's end
                // takes at most one wait.
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(ListenWait, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                PostgresLog.ListenFailed(_logger, ex);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelWithinBoundAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            try
            {
                // Bounded: the loop notices the end within one wait, but opening its connection or its LISTEN command may
                // be waiting on a server that does not answer, which must not hold the store's end (and the silo's stop)
                // for ever.
                await _listener.WaitAsync(ListenerStopWait).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or NpgsqlException or TimeoutException)
            {
                // The listener ends with the store.
            }
        }

        await _dataSource.DisposeAsync().ConfigureAwait(false);
        NpgsqlConnection.ClearPool(new NpgsqlConnection(_connectionString));
        _disposed.Dispose();
    }

    private static async Task<IReadOnlyList<PartitionLease>> ReadLeasesAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var list = new List<PartitionLease>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new PartitionLease(reader.GetInt32(0), reader.GetInt64(1)));
        }

        return list;
    }

    /// <summary>The name of the ids that inserting messages returns: how a commit finds them among its results.</summary>
    private const string SentIdColumn = "reev_sent_id";

    private static void AddInsertMessages(NpgsqlBatch batch, IReadOnlyList<OutboundMessage> messages)
    {
        var cmd = new NpgsqlBatchCommand("""
            INSERT INTO reev_messages (partition, grain_type, grain_key, method, kind, payload, reply_to, trace_parent)
            SELECT p, t, k, m, kd, convert_from(pl, 'UTF8'), r, tr
            FROM unnest(@p, @t, @k, @m, @kd, @pl, @r, @tr) WITH ORDINALITY AS x(p, t, k, m, kd, pl, r, tr, ord)
            ORDER BY ord
            RETURNING id AS reev_sent_id
            """);
        cmd.Parameters.AddWithValue("p", messages.Select(m => m.Partition).ToArray());
        cmd.Parameters.AddWithValue("t", messages.Select(m => m.GrainType).ToArray());
        cmd.Parameters.AddWithValue("k", messages.Select(m => m.GrainKey).ToArray());
        cmd.Parameters.AddWithValue("m", messages.Select(m => m.Method).ToArray());
        cmd.Parameters.AddWithValue("kd", messages.Select(m => (short)m.Kind).ToArray());
        cmd.Parameters.Add(Utf8Array("pl", messages.Select(m => m.Payload ?? throw new InvalidOperationException($"{m.GrainType}.{m.Method}: a message without its JSON cannot be stored in PostgreSQL"))));
        cmd.Parameters.AddWithValue("r", messages.Select(m => m.ReplyTo).ToArray());
        cmd.Parameters.AddWithValue("tr", messages.Select(m => m.TraceParent).ToArray());
        batch.BatchCommands.Add(cmd);
    }

    /// <summary>
    /// JSON as the serializer wrote it (UTF-8, sent as bytea[]): the statement decodes it into its text column with
    /// convert_from, so no UTF-16 string is made of it on the way (migration 006).
    /// </summary>
    private static NpgsqlParameter Utf8Array(string name, IEnumerable<byte[]> values) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Bytea) { Value = values.ToArray() };

    /// <summary>
    /// The ids of the messages a batch inserted (<see cref="AddInsertMessages"/>), found from the current result on by
    /// their column's name, not by position: the reader skips statements that return no rows (an UPDATE, an INSERT
    /// without RETURNING), so a result's position is not its command's. Null when no result holds them.
    /// </summary>
    private static async Task<long[]?> ReadSentIdsAsync(NpgsqlDataReader reader, int count, CancellationToken cancellationToken)
    {
        while (reader.FieldCount != 1 || reader.GetName(0) != SentIdColumn)
        {
            if (!await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        return await ReadIdsAsync(reader, count, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads inserted ids; they were assigned in input order, so sorting restores that order.</summary>
    private static async Task<long[]> ReadIdsAsync(NpgsqlDataReader reader, int count, CancellationToken cancellationToken)
    {
        var ids = new long[count];
        var i = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids[i++] = reader.GetInt64(0);
        }

        if (i != count)
        {
            throw new InvalidOperationException($"Inserted {i} messages; expected {count}.");
        }

        Array.Sort(ids);
        return ids;
    }
}
