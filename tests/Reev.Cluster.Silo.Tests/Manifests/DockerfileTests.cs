namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>deploy/Dockerfile.silo: multi-stage, runs as non-root, checks its health, sets only keys the silo reads.</summary>
public sealed class DockerfileTests
{
    private static readonly Dockerfile Silo = Dockerfile.Load(DeployFiles.PathOf("Dockerfile.silo"));

    [Fact]
    public void SiloDockerfile_IsMultiStage_BuildsWithTheSdkAndRunsOnTheAspNetRuntime()
    {
        var froms = Silo.All("FROM").ToList();

        Assert.True(froms.Count >= 2, "the silo image should be built in one stage and run from another");
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", froms[0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", froms[^1].Arguments, StringComparison.Ordinal);
        Assert.Contains(Silo.InFinalStage("COPY"), c => c.Arguments.StartsWith("--from=", StringComparison.Ordinal));
        Assert.DoesNotContain(Silo.InFinalStage("RUN"), r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains(Silo.All("RUN"), r => r.Arguments.Contains("silo/Reev.Cluster.Silo/Reev.Cluster.Silo.csproj", StringComparison.Ordinal) && r.Arguments.Contains("-c Release", StringComparison.Ordinal));
    }

    [Fact]
    public void SiloDockerfile_RunsAsNonRootUser()
    {
        var user = Assert.Single(Silo.InFinalStage("USER")).Arguments;
        var name = user.Split(':')[0];

        Assert.False(name is "root" or "0" or "", $"USER {user} runs as root");
        Assert.True(Silo.Instructions.IndexOf(Silo.InFinalStage("USER").Single()) > Silo.Instructions.IndexOf(Silo.InFinalStage("COPY").Last()), "USER should follow the last COPY of the runtime stage");
    }

    [Fact]
    public void SiloDockerfile_HealthCheckProbesReadinessOnTheConfiguredPort()
    {
        var check = Assert.Single(Silo.InFinalStage("HEALTHCHECK")).Arguments;
        var environment = Silo.FinalEnvironment;

        Assert.Contains("CMD", check, StringComparison.Ordinal);
        Assert.Contains("\"--probe\", \"ready\"", check, StringComparison.Ordinal);
        Assert.Contains("Reev.Cluster.Silo.dll", check, StringComparison.Ordinal);
        // The probe reads the same configuration as the silo; the container must listen beyond loopback for probes from outside.
        Assert.Equal("0.0.0.0", environment["REEV__SILO__LISTENADDRESS"]);
        Assert.Equal(environment["REEV__SILO__PORT"], Assert.Single(Silo.InFinalStage("EXPOSE")).Arguments);
        Assert.Contains("Reev.Cluster.Silo.dll", Assert.Single(Silo.InFinalStage("ENTRYPOINT")).Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void SiloDockerfile_EnvironmentKeysAreReadByTheSilo()
    {
        var environment = Silo.FinalEnvironment;

        Assert.NotEmpty(environment);
        Assert.All(environment.Keys, k => Assert.Null(SiloConfigurationKeys.Problem(k)));
        Assert.True(SiloConfigurationKeys.GracePeriod(environment) > TimeSpan.Zero);
    }

    [Fact]
    public void SiloDockerfile_CopiesEveryProjectTheSiloNeeds()
    {
        var copies = Silo.All("COPY").Where(c => c.Stage == 0).Select(c => c.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]).ToList();
        var ignored = File.ReadAllLines(DeployFiles.PathOf("Dockerfile.silo.dockerignore"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        foreach (var project in DeployFiles.SiloProjectClosure())
        {
            var folder = Path.GetDirectoryName(project)!.Replace('\\', '/');
            Assert.True(copies.Contains(project), $"the restore layer should copy {project}");
            Assert.True(copies.Any(c => folder.StartsWith(c.TrimEnd('/'), StringComparison.Ordinal) && c.EndsWith('/')), $"the build stage should copy the sources of {folder}");
            Assert.DoesNotContain(ignored, pattern => folder.StartsWith(pattern.TrimEnd('/'), StringComparison.Ordinal));
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
        {
            Assert.Contains(Silo.All("COPY"), c => c.Arguments.Split(' ').Contains(file));
        }
    }
}
