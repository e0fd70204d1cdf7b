using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>A test cluster and the database it runs on (none for the in-memory provider).</summary>
public sealed class ClusterHandle(TestCluster cluster, TestDatabase? database, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    public TestCluster Cluster { get; } = cluster;

    public TestDatabase? Database { get; } = database;

    public IGrainFactory Client => Cluster.Client;

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        loggerFactory.Dispose();
    }
}

public enum Provider
{
    InMemory,
    Postgres,
}

/// <summary>Builds test clusters of the test grains on either provider.</summary>
public static class Clusters
{
    public static GrainRegistry Grains() => new GrainRegistry()
        .Add<ICounterGrain, CounterGrain>()
        .Add<IReminderGrain, ReminderGrain>()
        .Add<ITroubleGrain, TroubleGrain>()
        .Add<IRelayGrain, RelayGrain>()
        .Add<IHeraldGrain, HeraldGrain>()
        .Add<ICrashGrain, CrashGrain>()
        .Add<IHangGrain, HangGrain>()
        .Add<IHangLifecycleGrain, HangLifecycleGrain>()
        .Add<IRallyGrain, RallyGrain>()
        .Add<ILeadGrain, LeadGrain>()
        .Add<IFollowerGrain, FollowerGrain>()
        .Add<IStrayGrain, StrayGrain>()
        .Add<INotebookGrain, NotebookGrain>();

    public static IServiceProvider ServicesFor(string siloId) =>
        new ServiceCollection().AddSingleton(new SiloName(siloId)).BuildServiceProvider();

    public static async Task<ClusterHandle> StartAsync(
        Provider provider,
        ITestOutputHelper output,
        int silos = 1,
        Action<SiloOptions>? configure = null,
        TimeProvider? timeProvider = null,
        Func<ClusterProvider, ClusterProvider>? wrap = null,
        Func<PostgresClusterProvider, PostgresClusterProvider>? postgres = null,
        [System.Runtime.CompilerServices.CallerMemberName] string purpose = "")
    {
        wrap ??= static p => p;
        var logs = XunitLoggerProvider.CreateFactory(output);
        TestDatabase? database = null;
        Func<ClusterProvider> factory;
        if (provider == Provider.Postgres)
        {
            database = await TestPostgres.CreateDatabaseAsync(purpose);
            var connectionString = database.ConnectionString;
            factory = () => wrap((postgres ?? (static p => p))(new PostgresClusterProvider(connectionString, maxPoolSize: 20)));
        }
        else
        {
            var shared = new InMemoryClusterProvider();
            factory = () => wrap(shared);
        }

        try
        {
            var cluster = await TestCluster.StartAsync(new TestClusterOptions
            {
                ProviderFactory = factory,
                Grains = Grains(),
                InitialSilos = silos,
                ConfigureSilo = configure,
                Services = ServicesFor,
                LoggerFactory = logs,
                TimeProvider = timeProvider,
            });
            return new ClusterHandle(cluster, database, logs);
        }
        catch
        {
            if (database is not null)
            {
                await database.DisposeAsync();
            }

            logs.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="perGrain"/> numbered increments to each grain: grains in parallel, each grain's in order.</summary>
    public static Task SendIncrementsAsync(IGrainFactory client, IReadOnlyList<string> keys, int perGrain, int parallelism = 16, int firstSequence = 1) =>
        Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (key, _) =>
            {
                var grain = client.GetGrain<ICounterGrain>(key);
                for (var i = firstSequence; i < firstSequence + perGrain; i++)
                {
                    await grain.Increment(i);
                }
            });
}
