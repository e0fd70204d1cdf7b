using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>
/// The gateway's own silo (the embedded default: in memory; or one more silo of a PostgreSQL cluster), started and
/// stopped with the host, seen through a <see cref="CoHostedReevCluster"/>.
/// </summary>
internal sealed class EmbeddedReevCluster : IReevCluster, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private readonly Silo _silo;
    private readonly CoHostedReevCluster _cluster;
    private readonly ILogger _logger;

    public EmbeddedReevCluster(string? postgresConnectionString, IConfiguration configuration, ILoggerFactory loggerFactory, TimeProvider timeProvider, SiloOptions? siloOptions = null)
    {
        var provider = ReevSiloBuilder.Provider(postgresConnectionString);
        _logger = loggerFactory.CreateLogger<EmbeddedReevCluster>();
        _silo = ReevSiloBuilder.Create(provider, siloOptions ?? new SiloOptions { DrainTimeout = TimeSpan.FromSeconds(2) }, loggerFactory, timeProvider, services => services.AddSingleton(configuration));
        _cluster = new CoHostedReevCluster(_silo, provider, postgresConnectionString);
    }

    public IGrainFactory Grains => _cluster.Grains;

    public IExecutionReadModel ReadModel => _cluster.ReadModel;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Started off the caller's synchronization context, so that the silo's long-lived loops never need it (a test
        // runner's context, blocked while it disposes the host, would otherwise deadlock the stop).
        await Task.Run(() => _silo.StartAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        GatewayLog.EmbeddedSiloStarted(_logger, _silo.SiloId, _cluster.ProviderName);
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

    public Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken) => _cluster.CheckReadinessAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync().ConfigureAwait(false);
        await _cluster.DisposeAsync().ConfigureAwait(false);
    }
}
