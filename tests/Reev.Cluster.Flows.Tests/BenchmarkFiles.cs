using System.Reflection;
using Reev.Cluster.Flows.FlowFiles;

namespace Reev.Cluster.Flows.Tests;

/// <summary>Locates ../shared/benchmarks beside the repository root by walking up from the test binaries.</summary>
internal static class BenchmarkFiles
{
    private static readonly Lazy<string> Folder = new(Locate);

    public static string Directory => Folder.Value;

    public static string PathOf(string id) => System.IO.Path.Combine(Directory, id.EndsWith(".yml", StringComparison.Ordinal) ? id : id + ".yml");

    public static FlowDocument Load(string id)
    {
        var result = FlowFileLoader.Load(PathOf(id));
        Assert.True(result.IsSuccess, $"loading {id}: {result.Error}");
        return result.Document!;
    }

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("REEV_BENCHMARKS_DIR") is { Length: > 0 } configured && System.IO.Directory.Exists(configured))
        {
            return configured;
        }

        var projectDirectory = typeof(BenchmarkFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(static a => a.Key == "ProjectDirectory")?.Value;
        return Search(AppContext.BaseDirectory) ?? (projectDirectory is null ? null : Search(projectDirectory)) ?? throw new InvalidOperationException(
            $"benchmarks folder not found: expected shared/benchmarks beside the repository root (../shared/benchmarks), searched upwards from {AppContext.BaseDirectory} and {projectDirectory}; set REEV_BENCHMARKS_DIR to override");
    }

    private static string? Search(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "benchmarks");
            if (System.IO.Directory.Exists(candidate) && System.IO.Directory.GetFiles(candidate, "*.yml").Length > 0)
            {
                return candidate;
            }
        }

        return null;
    }
}
