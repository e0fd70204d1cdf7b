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
        Assert.Equal(TimeSpan.FromMinutes(5), settings.Silo.TurnTimeout);
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

    [Theory]
    [InlineData("Reev:Gateway:ApiKeys:0:Key", "short", "Reev:Gateway:ApiKeys:0:Key ('ops') needs at least 16 characters")]
    [InlineData("Reev:Gateway:ApiKeys:0:Role", "operater", "Reev:Gateway:ApiKeys:0:Role 'operater' ('ops') is not reader, operator or admin")]
    [InlineData("Reev:Gateway:EventPollInterval", "00:00:00", "Reev:Gateway:EventPollInterval must be at least 10 ms")]
    [InlineData("Reev:Gateway:RateLimitWindow", "00:00:00", "Reev:Gateway:RateLimitWindow must be positive")]
    [InlineData("Reev:Gateway:MaxRequestBodyBytes", "10", "Reev:Gateway:MaxRequestBodyBytes must be between 1024")]
    public void Load_BadGatewaySetting_RefusedNamingIt(string key, string value, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Reev:Gateway:ApiKeys:0:Name"] = "ops",
            ["Reev:Gateway:ApiKeys:0:Key"] = "a-key-of-enough-length",
            ["Reev:Gateway:ApiKeys:0:Role"] = "operator",
            [key] = value,
        };

        var ex = Assert.Throws<ClusterConfigurationException>(() => SiloHostConfiguration.Load(Build([], environment)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DrainThatLeavesNoTimeForTheHandOver_RefusedNamingBoth()
    {
        // The default 10 s drain under a 12 s grace: the stop would be cut short between the drain and the hand-over.
        var ex = Assert.Throws<ClusterConfigurationException>(() => SiloHostConfiguration.Load(Build([], new() { ["Reev:Silo:ShutdownGracePeriod"] = "00:00:12" })));

        Assert.Contains("Reev:Silo:DrainTimeout (00:00:10) must be at least 3 s shorter than Reev:Silo:ShutdownGracePeriod (00:00:12)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(13), SiloHostConfiguration.Load(Build([], new() { ["Reev:Silo:ShutdownGracePeriod"] = "00:00:13" })).Host.ShutdownGracePeriod);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:05")]
    [InlineData("00:00:00.0005")] // under 1 ms: the timer would wait 0 ms, and every asynchronous turn would time out
    [InlineData("60")] // 60 days: a bare number is read as days, past what a timer can wait for
    public void Load_BadTurnTimeout_RefusedNamingIt(string value)
    {
        var ex = Assert.Throws<ClusterConfigurationException>(() => SiloHostConfiguration.Load(Build([], new() { ["Reev:Silo:TurnTimeout"] = value })));

        Assert.Contains("Reev:Silo:TurnTimeout must be from 00:00:00.001 to 49.00:00:00, or -00:00:00.001 (Timeout.InfiniteTimeSpan) for no limit", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-00:00:00.001")]
    [InlineData("00:00:00.250")]
    [InlineData("01:00:00")]
    public void Load_TurnTimeoutPositiveOrInfinite_Accepted(string value)
    {
        var settings = SiloHostConfiguration.Load(Build([], new() { ["Reev:Silo:TurnTimeout"] = value }));

        Assert.Equal(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture), settings.Silo.TurnTimeout);
    }

    [Fact]
    public void Load_GatewayKeysWithTheGatewayOff_AreNotChecked()
    {
        var settings = SiloHostConfiguration.Load(Build(["--gateway", "false"], new Dictionary<string, string?> { ["Reev:Gateway:ApiKeys:0:Key"] = "short" }));

        Assert.False(settings.GatewayEnabled);
    }

    private static IConfiguration Build(string[] args, Dictionary<string, string?>? environment = null) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(environment ?? [])
            .AddCommandLine(args, new Dictionary<string, string>(SiloHostConfiguration.SwitchMappings))
            .Build();
}
