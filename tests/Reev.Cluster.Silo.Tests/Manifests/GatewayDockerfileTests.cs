namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>deploy/Dockerfile.gateway: multi-stage, runs as non-root, checks its readiness, sets only keys the gateway reads.</summary>
public sealed class GatewayDockerfileTests
{
    private const string Project = "client/Reev.Cluster.Gateway/Reev.Cluster.Gateway.csproj";
    private static readonly Dockerfile Gateway = Dockerfile.Load(DeployFiles.PathOf("Dockerfile.gateway"));

    [Fact]
    public void GatewayDockerfile_IsMultiStage_PublishesTheGatewayAndRunsOnTheAspNetRuntime()
    {
        var froms = Gateway.All("FROM").ToList();

        Assert.True(froms.Count >= 2, "the gateway image should be built in one stage and run from another");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", froms[0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", froms[^1].Arguments, StringComparison.Ordinal);
        Assert.Contains(Gateway.InFinalStage("COPY"), c => c.Arguments.StartsWith("--from=", StringComparison.Ordinal));
        Assert.Contains(Gateway.All("RUN"), r => r.Arguments.Contains($"dotnet publish {Project}", StringComparison.Ordinal) && r.Arguments.Contains("-c Release", StringComparison.Ordinal));
        Assert.Contains("Reev.Cluster.Gateway.dll", Assert.Single(Gateway.InFinalStage("ENTRYPOINT")).Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void GatewayDockerfile_RunsAsNonRootUserAfterTheLastCopy()
    {
        var user = Assert.Single(Gateway.InFinalStage("USER")).Arguments;

        Assert.False(user.Split(':')[0] is "root" or "0" or "", $"USER {user} runs as root");
        Assert.True(Gateway.Instructions.IndexOf(Gateway.InFinalStage("USER").Single()) > Gateway.Instructions.IndexOf(Gateway.InFinalStage("COPY").Last()), "USER should follow the last COPY of the runtime stage");
    }

    [Fact]
    public void GatewayDockerfile_HealthCheckAsksReadinessOnTheExposedPortWhereTheGatewayListens()
    {
        var check = Assert.Single(Gateway.InFinalStage("HEALTHCHECK")).Arguments;
        var port = Assert.Single(Gateway.InFinalStage("EXPOSE")).Arguments;
        var urls = Gateway.FinalEnvironment["ASPNETCORE_URLS"];

        Assert.Contains("CMD", check, StringComparison.Ordinal);
        Assert.Contains("/health/ready", check, StringComparison.Ordinal);
        Assert.Contains($"/dev/tcp/127.0.0.1/{port}", check, StringComparison.Ordinal);
        // Beyond loopback, or nothing outside the container reaches it (the gateway's own default is 127.0.0.1:5080).
        Assert.Equal($"http://0.0.0.0:{port}", urls);
    }

    [Fact]
    public void GatewayDockerfile_EnvironmentKeysAreReadByTheGateway()
    {
        Assert.NotEmpty(Gateway.FinalEnvironment);
        Assert.All(Gateway.FinalEnvironment.Keys, k => Assert.Null(GatewayConfigurationKeys.Problem(k)));
    }

    [Fact]
    public void GatewayDockerfile_CopiesEveryProjectTheGatewayNeeds()
    {
        var copies = Gateway.All("COPY").Where(c => c.Stage == 0).Select(c => c.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        var ignored = File.ReadAllLines(DeployFiles.PathOf("Dockerfile.gateway.dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        foreach (var project in DeployFiles.ProjectClosure(Project))
        {
            var folder = Path.GetDirectoryName(project)!.Replace('\\', '/');
            Assert.True(copies.Contains(project), $"the restore layer should copy {project}");
            Assert.True(copies.Any(c => folder.StartsWith(c.TrimEnd('/'), StringComparison.Ordinal) && c.EndsWith('/')), $"the build stage should copy the sources of {folder}");
            Assert.DoesNotContain(ignored, pattern => (folder + "/").StartsWith(pattern, StringComparison.Ordinal));
        }
    }
}
