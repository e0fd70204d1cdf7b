using Microsoft.Extensions.Configuration;
using Reev.Cluster.Runtime;
using Reev.Cluster.Silo.Hosting;

namespace Reev.Cluster.Silo.Tests;

/// <summary>How the silo reads its configuration (in process: the sources, the provider choice, the checks).</summary>
public sealed class SiloHostConfigurationTests
{
    [Fact]
    public void Load_NothingConfigured_InMemoryOnLoopbackWithDocumentedDefaults()
    {
        var settings = SiloHostConfiguration.Load(Build([]));

        Assert.Equal(SiloHostOptions.MemoryProvider, settings.Provider);
        Assert.Equal("127.0.0.1", settings.ListenAddress.ToString());
        Assert.Equal(SiloHostOptions.DefaultPort, settings.Host.Port);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.Host.ShutdownGracePeriod);
        Assert.Equal(SiloOptions.DefaultPartitionCount, settings.Silo.PartitionCount);
        Assert.False(settings.JsonLogs);
        Assert.True(settings.GatewayEnabled);
    }

    [Fact]
    public void Load_GatewaySwitchAndBenchmarks_TurnTheGatewayOffAndReachTheGatewaysSection()
    {
        var configuration = Build(["--gateway", "false", "--benchmarks", "/srv/flows"]);

        Assert.False(SiloHostConfiguration.Load(configuration).GatewayEnabled);
        Assert.Equal("/srv/flows", configuration["Reev:Gateway:BenchmarksDirectory"]);
        Assert.False(SiloHostConfiguration.Load(Build([], new() { ["REEV:SILO:GATEWAY:ENABLED"] = "False" })).GatewayEnabled);
    }

    [Fact]
    public void Load_ConnectionStringWithoutProvider_PicksPostgres()
    {
        var settings = SiloHostConfiguration.Load(Build(["--postgres", "Host=db;Username=reev;Database=reev"]));

        Assert.Equal(SiloHostOptions.PostgresProvider, settings.Provider);
        Assert.Equal("Host=db;Username=reev;Database=reev", settings.ConnectionString);
    }

    [Fact]
    public void Load_CommandLineWinsOverEnvironmentStyleKeys()
    {
        var settings = SiloHostConfiguration.Load(Build(
            ["--port", "7201", "--silo-id", "from-cli", "--partitions", "64", "--log-format", "JSON"],
            new() { ["REEV:SILO:PORT"] = "7100", ["REEV:SILO:SILOID"] = "from-env", ["REEV:SILO:DRAINTIMEOUT"] = "00:00:04" }));

        Assert.Equal(7201, settings.Host.Port);
        Assert.Equal("from-cli", settings.Silo.SiloId);
        Assert.Equal(64, settings.Silo.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.Silo.DrainTimeout);
        Assert.True(settings.JsonLogs);
    }

    [Theory]
    [InlineData(new[] { "--provider", "postgres" }, "REEV__POSTGRES__CONNECTIONSTRING")]
    [InlineData(new[] { "--provider", "cassandra" }, "Unknown provider 'cassandra'")]
    [InlineData(new[] { "--log-format", "xml" }, "Unknown log format 'xml'")]
    [InlineData(new[] { "--listen-address", "everywhere" }, "Reev:Silo:ListenAddress 'everywhere'")]
    [InlineData(new[] { "--port", "70000" }, "Reev:Silo:Port")]
    [InlineData(new[] { "--port", "many" }, "Reev:Silo:Port")]
    [InlineData(new[] { "--partitions", "0" }, "Reev:Silo:PartitionCount")]
    [InlineData(new[] { "--gateway", "maybe" }, "Reev:Silo:Gateway:Enabled")]
    public void Load_BadSetting_RefusedNamingIt(string[] args, string expected)
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => SiloHostConfiguration.Load(Build(args)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Build(string[] args, Dictionary<string, string?>? environment = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment ?? [])
            .AddCommandLine(args, new Dictionary<string, string>(SiloHostConfiguration.SwitchMappings))
            .Build();
}
