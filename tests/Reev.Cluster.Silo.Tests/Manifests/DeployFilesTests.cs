using System.Diagnostics;
using System.Text.Json;

namespace Reev.Cluster.Silo.Tests.Manifests;

/// <summary>Every file under deploy/ parses; the silo's own appsettings.json only names keys it binds.</summary>
public sealed class DeployFilesTests
{
    [Fact]
    public void EveryDeployFile_IsOfAKnownKindAndParses()
    {
        var checkedFiles = new List<string>();
        foreach (var file in DeployFiles.All())
        {
            var name = Path.GetFileName(file);
            var relative = Path.GetRelativePath(RepositoryPaths.Deploy, file);
            if (name.EndsWith(".yaml", StringComparison.Ordinal) || name.EndsWith(".yml", StringComparison.Ordinal))
            {
                var documents = YamlFile.Documents(file);
                Assert.True(documents.Count > 0, $"{relative} holds no YAML document");
            }
            else if (name.StartsWith("Dockerfile", StringComparison.Ordinal) && !name.EndsWith(".dockerignore", StringComparison.Ordinal))
            {
                var dockerfile = Dockerfile.Load(file);
                Assert.True(dockerfile.All("FROM").Any(), $"{relative} has no FROM");
                var unknown = dockerfile.Instructions.Select(i => i.Keyword).Except(
                    ["FROM", "WORKDIR", "COPY", "RUN", "ENV", "ARG", "EXPOSE", "USER", "HEALTHCHECK", "STOPSIGNAL", "ENTRYPOINT", "CMD", "LABEL"]).ToList();
                Assert.True(unknown.Count == 0, $"{relative}: unknown instructions {string.Join(", ", unknown)}");
            }
            else if (name.EndsWith(".sh", StringComparison.Ordinal))
            {
                using var bash = Process.Start(new ProcessStartInfo("bash", ["-n", file]) { RedirectStandardError = true, UseShellExecute = false })!;
                var error = bash.StandardError.ReadToEnd();
                bash.WaitForExit();
                Assert.True(bash.ExitCode == 0, $"{relative}: bash -n failed: {error}");
                if (!OperatingSystem.IsWindows())
                {
                    Assert.True((File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0, $"{relative} is not executable");
                }
            }
            else if (!name.EndsWith(".dockerignore", StringComparison.Ordinal) && name != "README.md")
            {
                Assert.Fail($"deploy/{relative}: no manifest test knows this kind of file; add a check for it");
            }

            checkedFiles.Add(relative);
        }

        Assert.Contains("Dockerfile.silo", checkedFiles);
        Assert.Contains("docker-compose.yml", checkedFiles);
        Assert.Contains(Path.Combine("k8s", "silo-deployment.yaml"), checkedFiles);
        Assert.Contains("Dockerfile.gateway", checkedFiles);
        Assert.Contains(Path.Combine("k8s", "gateway-deployment.yaml"), checkedFiles);
    }

    [Fact]
    public void SiloAppSettings_NameOnlyKeysTheSiloBinds()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "silo", "Reev.Cluster.Silo", "appsettings.json")));
        var keys = new List<string>();
        Collect(json.RootElement.GetProperty("Reev"), "Reev", keys);

        Assert.NotEmpty(keys);
        Assert.All(keys, k => Assert.True(SiloConfigurationKeys.Bound.Contains(k), $"appsettings.json sets {k}, which the silo does not bind"));
    }

    [Fact]
    public void ConfigurationKeys_UnknownVariableIsReported()
    {
        Assert.Null(SiloConfigurationKeys.Problem("REEV__SILO__PARTITIONCOUNT"));
        Assert.Null(SiloConfigurationKeys.Problem("REEV__POSTGRES__CONNECTIONSTRING"));
        Assert.Null(SiloConfigurationKeys.Problem("REEV__SILO__SHUTDOWNGRACEPERIOD"));
        Assert.NotNull(SiloConfigurationKeys.Problem("REEV__SILO__PARTITIONS"));
        Assert.NotNull(SiloConfigurationKeys.Problem("POSTGRES_PASSWORD"));
    }

    private static void Collect(JsonElement element, string prefix, List<string> keys)
    {
        foreach (var property in element.EnumerateObject())
        {
            var key = $"{prefix}:{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Collect(property.Value, key, keys);
            }
            else
            {
                keys.Add(key);
            }
        }
    }
}
