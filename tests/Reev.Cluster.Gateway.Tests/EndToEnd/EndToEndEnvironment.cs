using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Gateway.Tests.EndToEnd;

/// <summary>
/// What a deployment runs, in one test: a fresh PostgreSQL database, a cluster of silos on it (the TestKit's
/// <see cref="TestCluster"/>, whose silos can be killed) and the gateway's own Program on Kestrel at 127.0.0.1 on a
/// free port, as a pure cluster client of that database (it hosts no grain). Every silo runs the deterministic agent
/// behind <see cref="Gate"/>.
/// </summary>
public sealed class EndToEndEnvironment : IAsyncDisposable
{
    private readonly ILoggerFactory _logs;
    private readonly KestrelGatewayFactory _gateway;

    private EndToEndEnvironment(TestDatabase database, TestCluster cluster, KestrelGatewayFactory gateway, Uri address, StepGate gate, ILoggerFactory logs)
    {
        Database = database;
        Cluster = cluster;
        _gateway = gateway;
        Address = address;
        Gate = gate;
        _logs = logs;
    }

    public TestDatabase Database { get; }

    public TestCluster Cluster { get; }

    /// <summary>The gateway's real listening address (http://127.0.0.1:port).</summary>
    public Uri Address { get; }

    public StepGate Gate { get; }

    public static async Task<EndToEndEnvironment> StartAsync(ITestOutputHelper output, int silos, StepGate gate, [System.Runtime.CompilerServices.CallerMemberName] string purpose = "")
    {
        ArgumentNullException.ThrowIfNull(gate);
        var logs = XunitLoggerProvider.CreateFactory(output);
        var database = await TestPostgres.CreateDatabaseAsync("e2e" + purpose);
        TestCluster? cluster = null;
        KestrelGatewayFactory? gateway = null;
        try
        {
            var connectionString = database.ConnectionString;
            cluster = await TestCluster.StartAsync(new TestClusterOptions
            {
                ProviderFactory = () => new PostgresClusterProvider(connectionString, maxPoolSize: 20).AddReevReadModels(),
                Grains = ReevGrains.Registry(),
                InitialSilos = silos,
                LoggerFactory = logs,
                SerializerOptions = ReevGrains.SerializerOptions,
                Services = _ =>
                {
                    var services = new ServiceCollection();
                    services.AddSingleton(logs);
                    services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
                    services.AddReevGrains();
                    services.AddReevExecutionInputs(new PostgresClusterProvider(connectionString));
                    // Registered after the product's agents, so the registry maps "deterministic" to the gated one.
                    services.AddSingleton<IFlowAgent>(new GatedDeterministicAgent(gate));
                    return services.BuildServiceProvider();
                },
            });
            await cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(30));

            gateway = new KestrelGatewayFactory(connectionString, TestCluster.FastOptions().PartitionCount);
            gateway.UseKestrel(static kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            gateway.StartServer();
            var address = gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.Single()
                ?? throw new InvalidOperationException("Kestrel reports no address.");
            return new EndToEndEnvironment(database, cluster, gateway, new Uri(address), gate, logs);
        }
        catch
        {
            if (gateway is not null)
            {
                await gateway.DisposeAsync();
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }

            await database.DisposeAsync();
            logs.Dispose();
            throw;
        }
    }

    /// <summary>A client of the gateway over a real socket, with the operator's API key.</summary>
    public HttpClient Operator()
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", GatewayFactory.OperatorKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        // Let a held step go, or a silo's stop would wait for it.
        Gate.Release();
        await _gateway.DisposeAsync();
        await Cluster.DisposeAsync();
        await Database.DisposeAsync();
        _logs.Dispose();
    }

    /// <summary>The gateway as a remote client of the test cluster's database, at the cluster's partition count.</summary>
    private sealed class KestrelGatewayFactory(string connectionString, int partitionCount) : GatewayFactory
    {
        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Reev:Client:ConnectionString"] = connectionString,
            ["Reev:Client:PartitionCount"] = partitionCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Reev:Client:AskTimeout"] = "00:00:20",
            ["Reev:Gateway:HostSilo"] = "false",
        };
    }
}
