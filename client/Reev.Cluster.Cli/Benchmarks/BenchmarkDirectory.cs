using System.Reflection;

namespace Reev.Cluster.Cli.Benchmarks;

/// <summary>
/// Where the reference benchmark set is: <c>--dir</c>, else <c>REEV_BENCHMARKS</c> (or <c>REEV_BENCHMARKS_DIR</c>),
/// else <c>../shared/benchmarks</c> beside the repository found upwards from the current directory, the CLI's own
/// directory, or the checkout it was built from.
/// </summary>
internal static class BenchmarkDirectory
{
    private const string SolutionFile = "Reev.Cluster.sln";

    public static string? Locate(string? explicitDirectory) =>
        Locate(explicitDirectory, Environment.GetEnvironmentVariable, [Directory.GetCurrentDirectory(), AppContext.BaseDirectory, BuiltFrom()]);

    /// <summary>The lookup with its environment and starting directories given (tests).</summary>
    internal static string? Locate(string? explicitDirectory, Func<string, string?> environment, IEnumerable<string?> starts)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(starts);
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            return Path.GetFullPath(explicitDirectory);
        }

        foreach (var variable in new[] { "REEV_BENCHMARKS", "REEV_BENCHMARKS_DIR" })
        {
            if (environment(variable) is { Length: > 0 } configured && Directory.Exists(configured))
            {
                return Path.GetFullPath(configured);
            }
        }

        foreach (var start in starts)
        {
            if (start is not null && RepositoryRoot(start) is { } root && Path.Combine(root, "..", "shared", "benchmarks") is var candidate && Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    /// <summary>The checkout the CLI was built from (assembly metadata), when it still exists.</summary>
    private static string? BuiltFrom() =>
        typeof(BenchmarkDirectory).Assembly.GetCustomAttributes(typeof(AssemblyMetadataAttribute), false)
            .OfType<AssemblyMetadataAttribute>()
            .FirstOrDefault(static a => a.Key == "ReevRepositoryRoot")?.Value is { Length: > 0 } root && Directory.Exists(root) ? root : null;

    /// <summary>The first directory at or above <paramref name="start"/> holding the solution file.</summary>
    public static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
