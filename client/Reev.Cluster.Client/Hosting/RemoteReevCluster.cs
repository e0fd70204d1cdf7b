using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Reev.Cluster.Client.Diagnostics;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.Postgres;

namespace Reev.Cluster.Client.Hosting;

/// <summary>
/// A cluster reached through its PostgreSQL database: a grain-less <see cref="ClusterClient"/> for commands and
/// asks, plain SQL for the read models and readiness. Connects when the host starts.
/// </summary>
internal sealed class RemoteReevCluster : IReevCluster, IHostedService, IAsyncDisposable
{
    private readonly ReevClusterClientOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly NpgsqlDataSource _dataSource;
    private ClusterClient? _client;

    public RemoteReevCluster(IOptions<ReevClusterClientOptions> options, ILoggerFactory loggerFactory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<RemoteReevCluster>();
        _dataSource = NpgsqlDataSource.Create(_options.ConnectionString!);
        ReadModel = new PostgresExecutionReadModel(_dataSource);
    }

    public IGrainFactory Grains => _client?.GrainFactory ?? throw new InvalidOperationException("The cluster client has not connected yet (the host has not started).");

    public IExecutionReadModel ReadModel { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var client = ClusterClient.Create(
            new ClusterClientOptions { PartitionCount = _options.PartitionCount, AskTimeout = _options.AskTimeout, ClientId = _options.ClientId },
            new PostgresClusterProvider(_options.ConnectionString!),
            _loggerFactory,
            _timeProvider,
            ReevClusterJson.MessageOptions);
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _client = client;
        ClientLog.Connected(_logger, client.ClientId, _options.PartitionCount);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _client, null) is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var command = _dataSource.CreateCommand(
                """
                SELECT (SELECT partition_count FROM reev_cluster WHERE id = 1),
                       (SELECT count(*) FROM reev_partitions p JOIN reev_silos s ON s.silo_id = p.owner WHERE s.lease_expires_at > now())
                """);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var count = reader.IsDBNull(0) ? 0 : reader.GetInt32(0);
            var owned = (int)reader.GetInt64(1);
            var ready = _client is not null && count > 0 && owned == count;
            return new ClusterReadiness(ready, ready ? "database reachable, every partition owned" : $"{owned} of {count} partitions owned by live silos", owned, count);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            ClientLog.ReadinessFailed(_logger, ex.Message);
            return new ClusterReadiness(false, "database unreachable: " + ex.Message, 0, _options.PartitionCount);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
