using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

public enum Provider
{
    InMemory,
    Postgres,
}

/// <summary>A test cluster hosting the execution grains, on either provider.</summary>
public sealed class GrainHost : IAsyncDisposable
{
    private readonly ILoggerFactory _logs;

    private GrainHost(TestCluster cluster, TestDatabase? database, InMemoryClusterProvider? memory, ILoggerFactory logs)
    {
        Cluster = cluster;
        Database = database;
        Memory = memory;
        _logs = logs;
    }

    public TestCluster Cluster { get; }

    public TestDatabase? Database { get; }

    /// <summary>The shared in-memory provider (null on PostgreSQL).</summary>
    public InMemoryClusterProvider? Memory { get; }

    public IGrainFactory Client => Cluster.Client;

    public static async Task<GrainHost> StartAsync(
        Provider provider,
        ITestOutputHelper output,
        int silos = 1,
        Action<SiloOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<GrainRegistry>? grains = null,
        FakeTimeProvider? clock = null,
        [System.Runtime.CompilerServices.CallerMemberName] string purpose = "")
    {
        var logs = XunitLoggerProvider.CreateFactory(output);
        TestDatabase? database = null;
        Func<ClusterProvider> factory;
        InMemoryClusterProvider? memory = null;
        if (provider == Provider.Postgres)
        {
            database = await TestPostgres.CreateDatabaseAsync(purpose);
            var cs = database.ConnectionString;
            factory = () => new PostgresClusterProvider(cs, maxPoolSize: 20).AddReevReadModels();
        }
        else
        {
            var shared = memory = new InMemoryClusterProvider();
            factory = () => shared;
        }

        var registry = ReevGrains.Registry();
        grains?.Invoke(registry);
        var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            ProviderFactory = factory,
            Grains = registry,
            InitialSilos = silos,
            // Under a clock the test moves, leases last for its whole run: the test's jumps must not expire them.
            ConfigureSilo = clock is null ? configure : o =>
            {
                o.LeaseDuration = TimeSpan.FromDays(1);
                configure?.Invoke(o);
            },
            TimeProvider = clock,
            LoggerFactory = logs,
            SerializerOptions = ReevGrains.SerializerOptions,
            Services = siloId =>
            {
                var collection = new ServiceCollection();
                collection.AddSingleton(logs);
                collection.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
                collection.AddReevGrains();
                collection.AddReevExecutionInputs(memory ?? (ClusterProvider)new PostgresClusterProvider(database!.ConnectionString));
                services?.Invoke(collection);
                return collection.BuildServiceProvider();
            },
        });
        return new GrainHost(cluster, database, memory, logs);
    }

    /// <summary>Submits a flow and waits until the execution is final.</summary>
    public async Task<ExecutionView> RunAsync(ExecutionRequest request, TimeSpan? timeout = null, string? executionId = null)
    {
        var id = executionId ?? $"exec-{Guid.NewGuid():N}";
        var grain = Client.GetGrain<IExecutionGrain>(id);
        await grain.StartAsync(request);
        return await WaitFinalAsync(id, timeout);
    }

    public async Task<ExecutionView> WaitFinalAsync(string executionId, TimeSpan? timeout = null)
    {
        ExecutionView? view = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                view = await Cluster.Client.GetGrain<IExecutionGrain>(executionId).ReadAsync();
                return view is { IsFinal: true } && view.Consolidation is not { Status: ConsolidationStatus.Pending or ConsolidationStatus.InProgress };
            },
            timeout ?? TimeSpan.FromSeconds(60),
            $"execution {executionId} finishes");
        return view!;
    }

    /// <summary>
    /// Moves <paramref name="clock"/> by <paramref name="step"/> at every check until <paramref name="condition"/> holds (the
    /// silo's loops and timers run between steps, as under a real clock), for at most <paramref name="timeout"/> of real time.
    /// </summary>
    public static Task AdvanceUntilAsync(FakeTimeProvider clock, TimeSpan step, Func<Task<bool>> condition, string description, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(condition);
        return Eventually.HoldsAsync(
            async () =>
            {
                if (await condition())
                {
                    return true;
                }

                clock.Advance(step);
                return false;
            },
            timeout ?? TimeSpan.FromSeconds(30),
            description);
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        _logs.Dispose();
    }
}

/// <summary>Flow documents for tests: the reference benchmarks and small inline flows.</summary>
public static class Flows
{
    public static string BenchmarksDirectory { get; } = Locate();

    public static FlowDocument Benchmark(string id)
    {
        var result = FlowFileLoader.Load(Path.Combine(BenchmarksDirectory, id + ".yml"));
        Assert.True(result.IsSuccess, $"loading {id}: {result.Error}");
        return result.Document!;
    }

    public static FlowDocument Inline(string yaml)
    {
        var result = FlowFileLoader.Parse(yaml, "inline.yml");
        Assert.True(result.IsSuccess, $"inline flow: {result.Error}");
        return result.Document!;
    }

    public static ExecutionRequest Request(FlowDocument document, AtomicMode mode = AtomicMode.Conditional, string? faults = null, RecoveryConfig? recovery = null, int seed = 7) => new()
    {
        Document = document,
        AtomicMode = mode,
        FaultSpec = faults,
        Seed = seed,
        Recovery = recovery ?? new RecoveryConfig { BaseRetryDelayMs = 100, MaxRetryDelayMs = 400, MaxRecoveryTimeMs = 5000, InTurnRetryDelayMs = 5 },
        ConsolidationTimeoutMs = 10000,
    };

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("REEV_BENCHMARKS_DIR") is { Length: > 0 } configured && Directory.Exists(configured))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "benchmarks");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"benchmarks folder not found: expected shared/benchmarks beside the repository root, searched upwards from {AppContext.BaseDirectory}; set REEV_BENCHMARKS_DIR");
    }
}
