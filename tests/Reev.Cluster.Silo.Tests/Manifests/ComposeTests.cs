using System.Globalization;
using static Reev.Cluster.Silo.Tests.Manifests.YamlFile;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>deploy/docker-compose.yml: PostgreSQL and three silos with distinct ids, health checks and enough stop grace.</summary>
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
