using Npgsql;
using NpgsqlTypes;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Postgres;

/// <summary>
/// Group reads of grain state for activations. Every step of a flow activates a new grain, and one query per
/// activation made state reads the largest cost of a PostgreSQL silo (a round trip and its socket writes each).
/// Reads that arrive while a read is in flight share the next query (at most <see cref="MaxBatch"/> keys): one
/// query at a time, so a lone activation pays one round trip as before and a burst pays one for the lot. While reads
/// keep coming (the last query ended less than <see cref="BusyWithin"/> ago), the next query first waits
/// <see cref="GatherWindow"/> for more: a commit's dispatch activates its new grains over a few milliseconds, not at
/// one instant, and without the wait they went out in several queries of a few keys each (ADR 0024). A read is a plain
/// snapshot read either way; fencing stays with the commit.
/// </summary>
internal sealed class StateReadBatcher(NpgsqlDataSource dataSource, TimeProvider timeProvider, CancellationToken stopping)
{
    /// <summary>How long the next query waits for more reads while reads keep coming.</summary>
    internal static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(2);

    /// <summary>A query that ended this recently means reads are streaming in; after a longer quiet spell, no wait.</summary>
    internal static readonly TimeSpan BusyWithin = TimeSpan.FromMilliseconds(20);

    private const int MaxBatch = 512;
    private readonly Lock _lock = new();
    private List<Pending> _queue = [];
    private bool _flushing;
    private long _lastQueryEnded;
    private int _queries;

    /// <summary>Queries sent so far (for tests).</summary>
    internal int Queries => Volatile.Read(ref _queries);

    public Task<StoredState?> ReadAsync(GrainId grain, CancellationToken cancellationToken)
    {
        var pending = new Pending(grain, new TaskCompletionSource<StoredState?>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_lock)
        {
            _queue.Add(pending);
            start = !_flushing;
            _flushing = true;
        }

        if (start)
        {
            _ = Task.Run(FlushAsync, CancellationToken.None);
        }

        return pending.Reply.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAsync()
    {
        while (true)
        {
            await GatherAsync().ConfigureAwait(false);
            List<Pending> batch;
            lock (_lock)
            {
                if (_queue.Count == 0)
                {
                    _flushing = false;
                    return;
                }

                if (_queue.Count <= MaxBatch)
                {
                    batch = _queue;
                    _queue = [];
                }
                else
                {
                    batch = _queue.GetRange(0, MaxBatch);
                    _queue.RemoveRange(0, MaxBatch);
                }
            }

            try
            {
                Interlocked.Increment(ref _queries);
                var found = await ReadManyAsync(batch).ConfigureAwait(false);
                foreach (var p in batch)
                {
                    p.Reply.TrySetResult(found.GetValueOrDefault((p.Grain.Type, p.Grain.Key)));
                }
            }
            catch (Exception ex)
            {
                foreach (var p in batch)
                {
                    p.Reply.TrySetException(ex);
                }
            }

            Volatile.Write(ref _lastQueryEnded, timeProvider.GetTimestamp());
        }
    }

    private async Task GatherAsync()
    {
        // Nothing queued: the loop ends without waiting (a read that comes later starts a flush of its own). A full
        // batch goes at once, and so does a read after a quiet spell.
        var last = Volatile.Read(ref _lastQueryEnded);
        int queued;
        lock (_lock)
        {
            queued = _queue.Count;
        }

        if (queued == 0 || queued >= MaxBatch || last == 0 || timeProvider.GetElapsedTime(last) >= BusyWithin)
        {
            return;
        }

        try
        {
            await Task.Delay(GatherWindow, timeProvider, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The store is ending: the query goes now and fails with it, so that no read waits for ever.
        }
    }

    private async Task<Dictionary<(string Type, string Key), StoredState>> ReadManyAsync(List<Pending> batch)
    {
        await using var cmd = dataSource.CreateCommand("""
            SELECT s.grain_type, s.grain_key, convert_to(s.state, 'UTF8'), s.version
            FROM unnest(@t, @k) AS q(grain_type, grain_key)
            JOIN reev_grain_state s ON s.grain_type = q.grain_type AND s.grain_key = q.grain_key
            """);
        cmd.Parameters.Add(new NpgsqlParameter("t", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(static p => p.Grain.Type).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = batch.Select(static p => p.Grain.Key).ToArray() });
        var found = new Dictionary<(string, string), StoredState>(batch.Count);
        await using var reader = await cmd.ExecuteReaderAsync(stopping).ConfigureAwait(false);
        while (await reader.ReadAsync(stopping).ConfigureAwait(false))
        {
            found[(reader.GetString(0), reader.GetString(1))] = new StoredState(reader.GetFieldValue<byte[]>(2), reader.GetInt64(3));
        }

        return found;
    }

    private sealed record Pending(GrainId Grain, TaskCompletionSource<StoredState?> Reply);
}
