using Npgsql;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>
/// The cluster as seen from a process that hosts a silo: grain calls go to the silo directly, read models come from
/// its provider (rows in memory, or SQL on PostgreSQL). A silo host that co-hosts the gateway registers one:
/// <c>services.AddSingleton&lt;IReevCluster&gt;(_ =&gt; new CoHostedReevCluster(silo, provider, connectionString))</c>.
/// The silo's life cycle stays with its host.
/// </summary>
public sealed class CoHostedReevCluster : IReevCluster, IAsyncDisposable
{
    private readonly Silo _silo;
    private readonly NpgsqlDataSource? _dataSource;

    /// <param name="silo">The silo of this process (started by its host).</param>
    /// <param name="provider">The provider the silo was created on.</param>
    /// <param name="postgresConnectionString">The cluster's database when <paramref name="provider"/> is PostgreSQL.</param>
    public CoHostedReevCluster(Silo silo, ClusterProvider provider, string? postgresConnectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(provider);
        _silo = silo;
        if (provider is InMemoryClusterProvider memory)
        {
            ReadModel = new InMemoryExecutionReadModel(memory);
            ProviderName = "in-memory";
        }
        else
        {
            ArgumentException.ThrowIfNullOrEmpty(postgresConnectionString);
            _dataSource = NpgsqlDataSource.Create(postgresConnectionString);
            ReadModel = new PostgresExecutionReadModel(_dataSource);
            ProviderName = "postgres";
        }
    }

    public IGrainFactory Grains => _silo.GrainFactory;

    public IExecutionReadModel ReadModel { get; }

    internal string ProviderName { get; }

    public Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken)
    {
        // Alone on the in-memory provider, the silo must hold every partition. A silo of a PostgreSQL cluster holds its
        // share only: ready when it runs and owns partitions (its heartbeat reached the database).
        var owned = _silo.OwnedPartitions.Count;
        var count = _silo.Options.PartitionCount;
        var ready = _silo.IsRunning && (_dataSource is null ? owned == count : owned > 0);
        return Task.FromResult(new ClusterReadiness(ready, ready ? $"silo {_silo.SiloId} running ({ProviderName})" : $"silo {_silo.SiloId} owns {owned} of {count} partitions", owned, count));
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
