using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>
/// A silo hosted in the gateway's process (the embedded default: in memory; or one more silo of a PostgreSQL
/// cluster). Grain calls go to the silo directly; read models come from its provider.
/// </summary>
internal sealed class EmbeddedReevCluster : IReevCluster, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly Silo _silo;
    private readonly NpgsqlDataSource? _dataSource;
    private readonly ILogger _logger;
    private readonly string _providerName;

    public EmbeddedReevCluster(string? postgresConnectionString, IConfiguration configuration, ILoggerFactory loggerFactory, TimeProvider timeProvider, SiloOptions? siloOptions = null)
    {
        var provider = ReevSiloBuilder.Provider(postgresConnectionString);
        _logger = loggerFactory.CreateLogger<EmbeddedReevCluster>();
        _silo = ReevSiloBuilder.Create(provider, siloOptions ?? new SiloOptions { DrainTimeout = TimeSpan.FromSeconds(2) }, loggerFactory, timeProvider, services => services.AddSingleton(configuration));
        if (provider is InMemoryClusterProvider memory)
        {
            ReadModel = new InMemoryExecutionReadModel(memory);
            _providerName = "in-memory";
        }
        else
        {
            _dataSource = NpgsqlDataSource.Create(postgresConnectionString!);
            ReadModel = new PostgresExecutionReadModel(_dataSource);
            _providerName = "postgres";
        }
    }

    public IGrainFactory Grains => _silo.GrainFactory;

    public IExecutionReadModel ReadModel { get; }

    public Silo Silo => _silo;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Started off the caller's synchronization context, so that the silo's long-lived loops never need it (a test
        // runner's context, blocked while it disposes the host, would otherwise deadlock the stop).
        await Task.Run(() => _silo.StartAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        GatewayLog.EmbeddedSiloStarted(_logger, _silo.SiloId, _providerName);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_silo.IsRunning)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StopTimeout);
        try
        {
            await Task.Run(() => _silo.StopAsync(timeout.Token), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            // Best effort: a PostgreSQL silo's partitions pass on by lease; an in-memory one's state dies with the process.
            GatewayLog.SiloStopFailed(_logger, ex);
        }
    }

    public Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken)
    {
        // One silo: ready when it runs and holds every partition. A silo of a larger cluster holds its share only,
        // so for PostgreSQL "ready" means this silo runs and owns partitions (the store answered its last heartbeat).
        var owned = _silo.OwnedPartitions.Count;
        var count = _silo.Options.PartitionCount;
        var ready = _silo.IsRunning && (_dataSource is null ? owned == count : owned > 0);
        return Task.FromResult(new ClusterReadiness(ready, ready ? $"silo {_silo.SiloId} running ({_providerName})" : $"silo {_silo.SiloId} owns {owned} of {count} partitions", owned, count));
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync().ConfigureAwait(false);
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
