using System.Globalization;
using static Reev.Cluster.Silo.Tests.Manifests.YamlFile;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>deploy/docker-compose.yml: PostgreSQL, three silos with distinct ids, health checks and enough stop grace, and the gateway.</summary>
public sealed class ComposeTests
{
    private static readonly Dictionary<object, object> Compose = Assert.Single(Documents(DeployFiles.PathOf("docker-compose.yml")));

    private static Dictionary<object, object> Services => Map(Compose, "services");

    private static List<(string Name, Dictionary<object, object> Service)> Silos =>
        Services.Where(s => Text(s.Value, "image")?.StartsWith(DeployFiles.SiloImage + ":", StringComparison.Ordinal) == true)
            .Select(s => ((string)s.Key, (Dictionary<object, object>)s.Value)).ToList();

    [Fact]
    public void Compose_HasPostgresAndThreeSilosWithDistinctIdsAndPorts()
    {
        Assert.StartsWith("postgres:", Text(Services["postgres"], "image"), StringComparison.Ordinal);
        Assert.NotNull(At(Services["postgres"], "healthcheck.test"));
        Assert.Equal(3, Silos.Count);
        var ids = Silos.Select(s => Environment(s.Service)["REEV__SILO__SILOID"]).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var published = Silos.SelectMany(s => List(s.Service, "ports").Cast<string>()).ToList();
        Assert.Equal(published.Count, published.Distinct().Count());
    }

    [Fact]
    public void Compose_SilosBuildFromTheSiloDockerfileAndWaitForAHealthyDatabase()
    {
        foreach (var (name, silo) in Silos)
        {
            var dockerfile = Text(silo, "build.dockerfile");
            var context = Text(silo, "build.context");
            Assert.True(dockerfile is not null && context is not null, $"{name} has no build section");
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Deploy, context!, dockerfile!)), $"{name}: {context}/{dockerfile} does not exist");
            Assert.Equal("service_healthy", Text(silo, "depends_on.postgres.condition"));
            var environment = Environment(silo);
            Assert.Contains("Host=postgres;", environment["REEV__POSTGRES__CONNECTIONSTRING"], StringComparison.Ordinal);
            Assert.Equal("postgres", environment["REEV__SILO__PROVIDER"]);
        }
    }

    [Fact]
    public void Compose_SilosHaveHealthChecksNonRootUserAndResourceReservations()
    {
        foreach (var (name, silo) in Silos)
        {
            var test = List(silo, "healthcheck.test").Cast<string>().ToList();
            Assert.True(test.Contains("--probe") && test[^1] == "ready", $"{name}: the health check should probe readiness, not {string.Join(' ', test)}");
            Assert.Equal("0.0.0.0", Environment(silo)["REEV__SILO__LISTENADDRESS"]);
            var user = Text(silo, "user");
            Assert.False(user is null || user.StartsWith('0') || user.StartsWith("root", StringComparison.Ordinal), $"{name} runs as root");
            Assert.NotNull(Text(silo, "deploy.resources.reservations.memory"));
            Assert.NotNull(Text(silo, "deploy.resources.reservations.cpus"));
        }
    }

    [Fact]
    public void Compose_StopGracePeriodCoversTheSilosShutdownGracePeriod()
    {
        foreach (var (name, silo) in Silos)
        {
            var stop = ParseDuration(Text(silo, "stop_grace_period") ?? "10s");
            var grace = SiloConfigurationKeys.GracePeriod(Environment(silo));
            Assert.True(stop > grace, $"{name}: stop_grace_period {stop} should exceed Reev:Silo:ShutdownGracePeriod {grace}, or Docker kills a draining silo");
        }
    }

    [Fact]
    public void Compose_SiloEnvironmentKeysAreReadByTheSilo()
    {
        foreach (var (name, silo) in Silos)
        {
            Assert.All(Environment(silo).Keys, k => Assert.True(SiloConfigurationKeys.Problem(k) is null, $"{name}: {SiloConfigurationKeys.Problem(k)}"));
        }
    }

    [Fact]
    public void Compose_GatewayBuildsFromItsDockerfileReadsTheClustersDatabaseAndWaitsForIt()
    {
        var gateway = Map(Compose, "services.gateway");

        Assert.StartsWith(DeployFiles.GatewayImage + ":", Text(gateway, "image"), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Deploy, Text(gateway, "build.context")!, Text(gateway, "build.dockerfile")!)));
        Assert.EndsWith("Dockerfile.gateway", Text(gateway, "build.dockerfile"), StringComparison.Ordinal);
        Assert.Equal("service_healthy", Text(gateway, "depends_on.postgres.condition"));
        Assert.Contains(Silos, s => Text(gateway, $"depends_on.{s.Name}.condition") == "service_healthy");
        var environment = Environment(gateway);
        Assert.Contains("Host=postgres;", environment["REEV__CLIENT__CONNECTIONSTRING"], StringComparison.Ordinal);
        Assert.Equal(Environment(Silos[0].Service)["REEV__SILO__PARTITIONCOUNT"], environment["REEV__CLIENT__PARTITIONCOUNT"]);
        // Requests reach a container from the Docker bridge: an open (loopback-only) gateway would refuse every one.
        Assert.True(environment.ContainsKey("REEV__GATEWAY__APIKEYS__0__KEY"), "the gateway needs an API key in compose");
    }

    [Fact]
    public void Compose_GatewayChecksReadinessRunsAsNonRootPublishesItsPortAndSetsOnlyKeysItReads()
    {
        var gateway = Map(Compose, "services.gateway");
        var environment = Environment(gateway);
        var port = new Uri(environment["ASPNETCORE_URLS"]).Port.ToString(CultureInfo.InvariantCulture);

        var test = string.Join(' ', List(gateway, "healthcheck.test").Cast<string>());
        Assert.Contains("/health/ready", test, StringComparison.Ordinal);
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", test, StringComparison.Ordinal);
        Assert.EndsWith($":{port}", Assert.Single(List(gateway, "ports").Cast<string>()), StringComparison.Ordinal);
        var user = Text(gateway, "user");
        Assert.False(user is null || user.StartsWith('0') || user.StartsWith("root", StringComparison.Ordinal), "the gateway runs as root");
        Assert.NotNull(Text(gateway, "deploy.resources.reservations.memory"));
        Assert.All(environment.Keys, k => Assert.True(GatewayConfigurationKeys.Problem(k) is null, GatewayConfigurationKeys.Problem(k)));
    }

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        Map(service, "environment").ToDictionary(e => (string)e.Key, e => (string)e.Value, StringComparer.Ordinal);

    private static TimeSpan ParseDuration(string value) => value switch
    {
        _ when value.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(double.Parse(value[..^2], CultureInfo.InvariantCulture)),
        _ when value.EndsWith('s') => TimeSpan.FromSeconds(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        _ when value.EndsWith('m') => TimeSpan.FromMinutes(double.Parse(value[..^1], CultureInfo.InvariantCulture)),
        _ => throw new FormatException($"unsupported compose duration '{value}'"),
    };
}
