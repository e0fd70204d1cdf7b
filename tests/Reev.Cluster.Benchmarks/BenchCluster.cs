using Npgsql;
using Reev.Cluster.Benchmarks.Grains;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// N silos in this process on one provider (each PostgreSQL silo with its own provider, so its own
/// connection pool and LISTEN connection), with counters fed by every silo's commit hook.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<Silo> _silos = [];
    private readonly string? _database;
    private readonly string? _serverConnection;
    private InMemoryClusterProvider? _memory;
    private long _committedTurns;
    private long _commits;

    private BenchCluster(string? serverConnection, string? database, string? connectionString)
    {
        _serverConnection = serverConnection;
        _database = database;
        ConnectionString = connectionString;
    }

    public IReadOnlyList<Silo> Silos => _silos;

    /// <summary>The fresh database of this run (PostgreSQL only).</summary>
    public string? ConnectionString { get; }

    public long CommittedTurns => Interlocked.Read(ref _committedTurns);

    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>A client: the co-hosted grain factory of the first silo.</summary>
    public IGrainFactory Client => _silos[0].GrainFactory;

    public static async Task<BenchCluster> StartAsync(string? serverConnection, int silos, int enqueueTransactions, CancellationToken cancellationToken)
    {
        string? database = null, connection = null;
        if (serverConnection is not null)
        {
            database = $"reev_bench_{Guid.NewGuid():N}"[..24];
            await ExecuteAsync(serverConnection, $"CREATE DATABASE \"{database}\"", cancellationToken).ConfigureAwait(false);
            connection = new NpgsqlConnectionStringBuilder(serverConnection) { Database = database }.ConnectionString;
        }

        var cluster = new BenchCluster(serverConnection, database, connection);
        try
        {
            var grains = new GrainRegistry().Add<IRelayGrain, RelayGrain>();
            var memory = new InMemoryClusterProvider();
            cluster._memory = connection is null ? memory : null;
            for (var i = 0; i < silos; i++)
            {
                ClusterProvider provider = connection is null ? memory : new PostgresClusterProvider(connection);
                var silo = Silo.Create(new SiloOptions { SiloId = $"bench-silo-{i}", MaxEnqueueTransactions = enqueueTransactions }, provider, grains);
                silo.TestHooks.CommitCompleted = cluster.OnCommit;
                cluster._silos.Add(silo);
            }

            await Task.WhenAll(cluster._silos.Select(s => s.StartAsync(cancellationToken))).ConfigureAwait(false);
            await cluster.WaitBalancedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>Waits until every partition is owned and each silo holds its fair share (±1), so no hand-over runs during a measurement.</summary>
    private async Task WaitBalancedAsync(CancellationToken cancellationToken)
    {
        var partitions = SiloOptions.DefaultPartitionCount;
        var share = partitions / _silos.Count;
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var owned = _silos.Select(s => s.OwnedPartitions.Count).ToList();
            if (owned.Sum() == partitions && owned.All(n => Math.Abs(n - share) <= 1))
            {
                return;
            }

            if (TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Silos did not balance their partitions within 60 s: {string.Join(", ", owned)}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the silos have committed <paramref name="turns"/> turns in all (counting from construction).</summary>
    public async Task WaitForTurnsAsync(long turns, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (CommittedTurns < turns)
        {
            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Only {CommittedTurns} of {turns} turns committed within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(2), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks the database after a run: an empty inbox and the expected number of applied turns.</summary>
    public async Task<string> VerifyAsync(long expectedTurns, CancellationToken cancellationToken)
    {
        if (_memory is { } memory)
        {
            return VerifyMemory(memory, expectedTurns);
        }

        if (ConnectionString is null)
        {
            return "n/a";
        }

        var pending = await ScalarAsync(ConnectionString, "SELECT count(*) FROM reev_messages", cancellationToken).ConfigureAwait(false);
        var applied = await ScalarAsync(ConnectionString,
            "SELECT coalesce(sum((state::json->>'count')::bigint), 0) FROM reev_grain_state", cancellationToken).ConfigureAwait(false);
        var dead = await ScalarAsync(ConnectionString, "SELECT count(*) FROM reev_dead_letters", cancellationToken).ConfigureAwait(false);
        return Verdict(pending, applied, dead, expectedTurns);
    }

    private static string VerifyMemory(InMemoryClusterProvider memory, long expectedTurns)
    {
        var db = memory.Database;
        lock (db.Lock)
        {
            var applied = db.States.Values.Sum(s => System.Text.Json.JsonDocument.Parse(s.Utf8!).RootElement.GetProperty("count").GetInt64());
            return Verdict(db.Messages.Count, applied, db.DeadLetters.Count, expectedTurns);
        }
    }

    private static string Verdict(long pending, long applied, long dead, long expectedTurns) =>
        pending == 0 && applied == expectedTurns && dead == 0
            ? "ok"
            : $"MISMATCH (pending {pending}, applied {applied} of {expectedTurns}, dead {dead})";

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_silos.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
        if (_serverConnection is not null && _database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_serverConnection, $"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void OnCommit(CommitOutcome outcome, int turns)
    {
        if (outcome == CommitOutcome.Committed)
        {
            Interlocked.Add(ref _committedTurns, turns);
            Interlocked.Increment(ref _commits);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }
}
