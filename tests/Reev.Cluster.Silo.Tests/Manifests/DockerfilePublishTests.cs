using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>
/// No container engine runs here, so each Dockerfile's `dotnet publish` line is run as written (into a temporary
/// folder instead of /app): an image build fails if its publish does (the silo's publish once did, two
/// appsettings.json files in one output).
/// </summary>
[Collection(Name)]
public sealed partial class DockerfilePublishTests
{
    // Two Release builds of the whole solution: alone, after the assembly's parallel tests, so that their CPU does not
    // starve the timing-sensitive process tests.
    public const string Name = "dockerfile publish";

    [Theory]
    [InlineData("Dockerfile.silo", "Reev.Cluster.Silo.dll", "\"Silo\"")]
    [InlineData("Dockerfile.gateway", "Reev.Cluster.Gateway.dll", "\"LogLevel\"")]
    public async Task PublishLine_RunsAndProducesTheEntryPointWithItsOwnSettings(string dockerfile, string entryAssembly, string settingsMarker)
    {
        var file = Dockerfile.Load(DeployFiles.PathOf(dockerfile));
        var publish = Assert.Single(file.All("RUN"), r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal)).Arguments;
        Assert.Contains(entryAssembly, Assert.Single(file.InFinalStage("ENTRYPOINT")).Arguments, StringComparison.Ordinal);

        var output = Directory.CreateTempSubdirectory("reev-publish-").FullName;
        try
        {
            // As written, but: into the temporary folder, with its own artifacts (not the test run's), restoring (the image
            // restores in an earlier layer).
            var arguments = OutputOption().Replace(publish[(publish.IndexOf("dotnet publish", StringComparison.Ordinal) + "dotnet ".Length)..], $"-o {output}/app")
                .Replace("--no-restore", string.Empty, StringComparison.Ordinal);
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = RepositoryPaths.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append($"-p:ArtifactsPath={output}/artifacts").Append("-nologo"))
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await process.WaitForExitAsync(timeout.Token);

            Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}\n{await stdout}\n{await stderr}");
            Assert.True(File.Exists(Path.Combine(output, "app", entryAssembly)), $"{entryAssembly} is missing from the publish output");
            Assert.Contains(settingsMarker, await File.ReadAllTextAsync(Path.Combine(output, "app", "appsettings.json")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [GeneratedRegex(@"-o\s+/app\b")]
    private static partial Regex OutputOption();
}

[CollectionDefinition(DockerfilePublishTests.Name, DisableParallelization = true)]
public sealed class DockerfilePublishCollection;
