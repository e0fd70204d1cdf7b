using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.TestKit;

/// <summary>How a <see cref="TestCluster"/> builds its silos.</summary>
public sealed class TestClusterOptions
{
    /// <summary>Creates the provider of one silo: a PostgreSQL provider per silo gives each its own connections.</summary>
    public required Func<ClusterProvider> ProviderFactory { get; init; }

    public required GrainRegistry Grains { get; init; }

    public int InitialSilos { get; init; } = 1;

    /// <summary>Adjusts the (fast, test-sized) silo defaults.</summary>
    public Action<SiloOptions>? ConfigureSilo { get; init; }

    /// <summary>Services for the grains of a silo, by silo id.</summary>
    public Func<string, IServiceProvider>? Services { get; init; }

    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider? TimeProvider { get; init; }

    /// <summary>JSON settings of messages and state (the grains' own, when they have them).</summary>
    public System.Text.Json.JsonSerializerOptions? SerializerOptions { get; init; }
}

/// <summary>
/// N silos in one process on one database (the TestingHost equivalent). Silos can be stopped
/// gracefully, killed abruptly, and started again; the client is a co-hosted silo's factory.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly TestClusterOptions _options;
    private readonly List<Silo> _silos = [];
    private readonly object _lock = new();
    private int _next;

    private TestCluster(TestClusterOptions options) => _options = options;

    /// <summary>The silos that are running.</summary>
    public IReadOnlyList<Silo> Silos
    {
        get
        {
            lock (_lock)
            {
                return _silos.Where(s => s.IsRunning).ToList();
            }
        }
    }

    /// <summary>A client: the grain factory of the first running silo.</summary>
    public IGrainFactory Client => (Silos is { Count: > 0 } running ? running[0].GrainFactory : null)
        ?? throw new InvalidOperationException("No silo is running.");

    /// <summary>Silo settings sized for tests: short leases and polls so failover takes seconds.</summary>
    public static SiloOptions FastOptions() => new()
    {
        PartitionCount = 32,
        LeaseDuration = TimeSpan.FromSeconds(3),
        HeartbeatInterval = TimeSpan.FromMilliseconds(500),
        PollInterval = TimeSpan.FromMilliseconds(200),
        SweepInterval = TimeSpan.FromMilliseconds(500),
        ReminderPollInterval = TimeSpan.FromMilliseconds(100),
        // Queue space is reclaimed (VACUUM) several times a second, so the failure tests kill and pause silos while
        // it runs next to their commits.
        QueueReclaimInterval = TimeSpan.FromMilliseconds(200),
        RetryBackoff = TimeSpan.FromMilliseconds(10),
        MaxAttempts = 3,
        AskTimeout = TimeSpan.FromSeconds(30),
        DrainTimeout = TimeSpan.FromSeconds(5),
    };

    public static async Task<TestCluster> StartAsync(TestClusterOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var cluster = new TestCluster(options);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.InitialSilos).Select(_ => cluster.StartSiloAsync(cancellationToken))).ConfigureAwait(false);
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return cluster;
    }

    /// <summary>Starts one more silo with its own identity and connections.</summary>
    public Task<Silo> StartSiloAsync(CancellationToken cancellationToken = default) =>
        StartSiloAsync($"silo-{Interlocked.Increment(ref _next):D2}-{Guid.NewGuid():N}"[..16], cancellationToken);

    /// <summary>
    /// Starts one more silo under <paramref name="siloId"/>, with its own connections: a process restarted under the id of
    /// one that died (a new incarnation; its start is refused while the previous holder's lease runs).
    /// </summary>
    public async Task<Silo> StartSiloAsync(string siloId, CancellationToken cancellationToken = default)
    {
        var options = FastOptions();
        _options.ConfigureSilo?.Invoke(options);
        options.SiloId = siloId;
        var silo = Silo.Create(
            options,
            _options.ProviderFactory(),
            _options.Grains,
            _options.Services?.Invoke(options.SiloId),
            _options.LoggerFactory ?? NullLoggerFactory.Instance,
            _options.TimeProvider,
            _options.SerializerOptions);
        lock (_lock)
        {
            _silos.Add(silo);
        }

        await silo.StartAsync(cancellationToken).ConfigureAwait(false);
        return silo;
    }

    /// <summary>Graceful stop: drains, hands partitions over at once, leaves.</summary>
    public Task StopSiloAsync(Silo silo, CancellationToken cancellationToken = default)
    {
        return Own(silo).StopAsync(cancellationToken);
    }

    /// <summary>Abrupt death: connections dropped, no clean-up, heartbeats stop.</summary>
    public Task KillSiloAsync(Silo silo)
    {
        return Own(silo).KillAsync();
    }

    private Silo Own(Silo silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        lock (_lock)
        {
            return _silos.Contains(silo) ? silo : throw new ArgumentException($"Silo {silo.SiloId} is not part of this test cluster.", nameof(silo));
        }
    }

    /// <summary>Waits until the running silos own every partition between them, each within ±1 of a fair share.</summary>
    public Task WaitForBalanceAsync(TimeSpan timeout) =>
        Eventually.HoldsAsync(
            () =>
            {
                var silos = Silos;
                if (silos.Count == 0)
                {
                    return false;
                }

                var partitions = silos[0].Options.PartitionCount;
                var owned = silos.Select(s => s.OwnedPartitions.Count).ToList();
                var fair = partitions / (double)silos.Count;
                return owned.Sum() == partitions && owned.All(c => Math.Abs(c - fair) <= 1);
            },
            timeout,
            "the running silos share every partition fairly");

    public async ValueTask DisposeAsync()
    {
        List<Silo> silos;
        lock (_lock)
        {
            silos = [.. _silos];
        }

        foreach (var silo in silos)
        {
            try
            {
                if (silo.IsRunning)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await silo.StopAsync(cts.Token).ConfigureAwait(false);
                }

                await silo.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ReevClusterException or InvalidOperationException or Npgsql.NpgsqlException)
            {
                await silo.KillAsync().ConfigureAwait(false);
            }
        }
    }
}
