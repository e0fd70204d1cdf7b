using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// The silos a load run drives: one embedded in-memory silo, or K silos on PostgreSQL, each with its own
/// identity and connections, so that one can be killed abruptly (connections dropped, no hand-over).
/// </summary>
internal sealed class LoadCluster : IAsyncDisposable
{
    private readonly List<Silo> _silos;
    private readonly ClusterProvider? _memory;
    private readonly string? _postgres;
    private readonly SiloProcesses? _processes;
    private readonly ClusterClient? _client;

    private LoadCluster(List<Silo> silos, ClusterProvider? memory, string? postgres, SiloProcesses? processes = null, ClusterClient? client = null)
    {
        _silos = silos;
        _memory = memory;
        _postgres = postgres;
        _processes = processes;
        _client = client;
    }

    /// <summary>Silos started for the run.</summary>
    public int SiloCount => _processes?.Count ?? _silos.Count;

    /// <summary>A client: the load's own cluster client (silo processes), or the last in-process silo's factory (never the one a run kills).</summary>
    public IGrainFactory Client => _client?.GrainFactory ?? _silos[^1].GrainFactory;

    /// <summary>Kills one silo abruptly: SIGKILL of a silo process, or an in-process silo's connections dropped without hand-over.</summary>
    public async Task KillOneAsync()
    {
        if (_processes is not null)
        {
            _processes.KillOne();
            return;
        }

        await _silos[0].KillAsync().ConfigureAwait(false);
    }

    /// <summary>Whether a silo can be paused: only a process can be frozen (SIGSTOP) as a whole.</summary>
    public bool CanPause => _processes is not null && _processes.Running > 1;

    /// <summary>Freezes one silo process (SIGSTOP); <see cref="ResumePaused"/> continues it.</summary>
    public void PauseOne() => (_processes ?? throw new InvalidOperationException("only silo processes can be paused")).PauseOne();

    public void ResumePaused() => _processes?.ResumePaused();

    /// <summary>K silo processes on PostgreSQL, driven through a cluster client that hosts no grains.</summary>
    public static async Task<LoadCluster> StartProcessesAsync(string postgres, int silos, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var partitions = await Runtime.Postgres.PostgresClusterProvider.ReadPartitionCountAsync(postgres, cancellationToken).ConfigureAwait(false) ?? SiloOptions.DefaultPartitionCount;
        var processes = await SiloProcesses.StartAsync(postgres, silos, partitions, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        try
        {
            var client = ClusterClient.Create(
                new ClusterClientOptions { PartitionCount = partitions },
                new Runtime.Postgres.PostgresClusterProvider(postgres).AddReevReadModels(),
                loggerFactory,
                serializerOptions: ReevGrains.SerializerOptions);
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new LoadCluster([], null, postgres, processes, client);
        }
        catch
        {
            await processes.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static async Task<LoadCluster> StartAsync(string? postgres, int silos, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var options = new SiloOptions { LeaseDuration = TimeSpan.FromSeconds(5), HeartbeatInterval = TimeSpan.FromSeconds(1) };
        if (postgres is not null && await Runtime.Postgres.PostgresClusterProvider.ReadPartitionCountAsync(postgres, cancellationToken).ConfigureAwait(false) is { } partitions)
        {
            options.PartitionCount = partitions;
        }
        if (postgres is null)
        {
            var memory = ReevSiloBuilder.Provider(null);
            var silo = ReevSiloBuilder.Create(memory, options, loggerFactory);
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            return new LoadCluster([silo], memory, null);
        }

        var list = new List<Silo>();
        try
        {
            for (var i = 0; i < silos; i++)
            {
                var silo = ReevSiloBuilder.Create(ReevSiloBuilder.Provider(postgres), options, loggerFactory);
                list.Add(silo);
                await silo.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            foreach (var silo in list)
            {
                await silo.KillAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new LoadCluster(list, null, postgres);
    }

    /// <summary>
    /// Those of <paramref name="pending"/> (the executions in flight, at most the run's concurrency) that reached a
    /// final state: a poll reads the rows of the flows it waits for by key, not every finished row of the run again.
    /// </summary>
    public async Task<IReadOnlyList<(string Id, string Status)>> FinishedAsync(IReadOnlyCollection<string> pending, CancellationToken cancellationToken)
    {
        if (pending.Count == 0)
        {
            return [];
        }

        if (_memory is InMemoryClusterProvider memory)
        {
            var waiting = pending.ToHashSet(StringComparer.Ordinal);
            return memory.ReadRows<ExecutionRow>(ExecutionRow.TableName)
                .Where(r => r.Status is "completed" or "failed" or "cancelled" && waiting.Contains(r.ExecutionId))
                .Select(static r => (r.ExecutionId, r.Status)).ToList();
        }

        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT execution_id, status FROM reev_executions WHERE execution_id = ANY(@ids) AND status IN ('completed', 'failed', 'cancelled')", connection);
        cmd.Parameters.AddWithValue("ids", pending.ToArray());
        var list = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add((reader.GetString(0), reader.GetString(1)));
        }

        return list;
    }

    /// <summary>
    /// Steps that ran more than once: more than one session for a step, a session whose attempt count is above 1
    /// (the load flows inject no faults, so every step succeeds at its first attempt), or a session written by more
    /// commits than it has revisions (a turn committed twice; the row alone, replaced at each write, cannot show it).
    /// </summary>
    public async Task<int> DuplicateStepsAsync(IReadOnlyCollection<string> executionIds, CancellationToken cancellationToken)
    {
        var ids = executionIds.ToHashSet(StringComparer.Ordinal);
        if (_memory is InMemoryClusterProvider memory)
        {
            var sessions = memory.ReadRows<StepSessionRow>(StepSessionRow.TableName).Where(s => ids.Contains(s.ExecutionId)).ToList();
            return sessions.GroupBy(static s => (s.ExecutionId, s.StepIndex))
                .Count(g => g.Count() > 1 || g.Any(s => s.Attempt > 1 || memory.RowWrites(StepSessionRow.TableName, s.SessionId) > s.Revision));
        }

        await using var connection = new NpgsqlConnection(_postgres);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM (
                SELECT execution_id, step_index FROM reev_step_sessions WHERE execution_id = ANY(@ids)
                GROUP BY execution_id, step_index HAVING count(*) > 1 OR max(attempt) > 1 OR bool_or(commits > revision)) d
            """, connection);
        cmd.Parameters.AddWithValue("ids", ids.ToArray());
        return (int)(long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }

        if (_processes is not null)
        {
            await _processes.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var silo in _silos.Where(static s => s.IsRunning))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await silo.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await silo.KillAsync().ConfigureAwait(false);
            }
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync().ConfigureAwait(false);
        }
    }
}
