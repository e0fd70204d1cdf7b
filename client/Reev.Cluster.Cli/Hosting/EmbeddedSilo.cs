using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.Diagnostics;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Cli.Hosting;

/// <summary>
/// The single silo a CLI command runs its execution on: the in-memory provider by default (no database), or
/// PostgreSQL with <c>--postgres</c> (then it joins whatever cluster runs on that database).
/// </summary>
internal sealed class EmbeddedSilo : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);
    private readonly Silo _silo;
    private readonly ILogger _logger;

    private EmbeddedSilo(Silo silo, ILogger logger)
    {
        _silo = silo;
        _logger = logger;
    }

    public IGrainFactory GrainFactory => _silo.GrainFactory;

    public static async Task<EmbeddedSilo> StartAsync(string? postgresConnectionString, ILoggerFactory loggerFactory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var configuration = CliConfiguration.FromEnvironment();
        // Joining an existing cluster: its database says how many partitions it has (the default is only for a new one).
        var partitions = postgresConnectionString is null
            ? null
            : await Runtime.Postgres.PostgresClusterProvider.ReadPartitionCountAsync(postgresConnectionString, cancellationToken).ConfigureAwait(false);
        var silo = ReevSiloBuilder.Create(
            ReevSiloBuilder.Provider(postgresConnectionString),
            new SiloOptions { DrainTimeout = TimeSpan.FromSeconds(2), PartitionCount = partitions ?? SiloOptions.DefaultPartitionCount },
            loggerFactory,
            timeProvider,
            services => services.AddSingleton(configuration));
        try
        {
            await silo.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await silo.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new EmbeddedSilo(silo, loggerFactory.CreateLogger<EmbeddedSilo>());
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _silo.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Stopping is best effort: the result is already printed, and a PostgreSQL silo's partitions pass on by lease.
            CliLog.SiloStopFailed(_logger, ex);
        }

        await _silo.DisposeAsync().ConfigureAwait(false);
    }
}
