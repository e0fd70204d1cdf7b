using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;

namespace Reev.Cluster.Grains.Hosting;

/// <summary>
/// Builds a silo that hosts the execution grains: on the embedded in-memory provider by default, or on
/// PostgreSQL (with the read-model schema) when a connection string is given.
/// </summary>
public static class ReevSiloBuilder
{
    /// <summary>The provider for a connection string, or the embedded in-memory provider when it is null.</summary>
    public static ClusterProvider Provider(string? postgresConnectionString) =>
        postgresConnectionString is null
            ? new InMemoryClusterProvider()
            : new PostgresClusterProvider(postgresConnectionString).AddReevReadModels();

    /// <summary>Creates (does not start) a silo with the grains, their services and their serializer settings.</summary>
    public static Silo Create(
        ClusterProvider provider,
        SiloOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        loggerFactory ??= NullLoggerFactory.Instance;
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddReevGrains();
        services.AddReevExecutionInputs(provider);
        configureServices?.Invoke(services);
        var serviceProvider = services.BuildServiceProvider();
        return Silo.Create(
            options ?? new SiloOptions(),
            provider,
            ReevGrains.Registry(),
            serviceProvider,
            loggerFactory,
            timeProvider,
            ReevGrains.SerializerOptions);
    }
}
