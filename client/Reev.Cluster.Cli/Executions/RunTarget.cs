using Reev.Cluster.Cli.Benchmarks;
using Reev.Cluster.Cli.CommandLine;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// What the argument of <c>run</c> names: a flow file (the path as given), or, when no such file exists and the
/// argument looks like an id (no path separator, no <c>.yml</c>/<c>.yaml</c> extension), the benchmark
/// <c>&lt;benchmarks dir&gt;/&lt;id&gt;.yml</c> of the folder <c>reev benchmarks</c> lists.
/// </summary>
internal static class RunTarget
{
    /// <summary>True when <paramref name="argument"/> can only be a benchmark id, not a path to a flow file.</summary>
    public static bool LooksLikeId(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return argument.Length > 0
            && !argument.Contains('/', StringComparison.Ordinal)
            && !argument.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal)
            && !argument.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            && !argument.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The file to load for <paramref name="argument"/>, or the error naming every place looked at.</summary>
    public static (string? File, CliError? Error) Resolve(string argument, Func<string?> benchmarksDirectory)
    {
        ArgumentNullException.ThrowIfNull(argument);
        ArgumentNullException.ThrowIfNull(benchmarksDirectory);
        if (File.Exists(argument) || Directory.Exists(argument) || !LooksLikeId(argument))
        {
            // The loader reports a missing, unreadable or malformed file with the path as given.
            return (argument, null);
        }

        if (benchmarksDirectory() is not { } directory)
        {
            return (null, new CliError("invalid_flow_file",
                $"neither a file '{argument}' nor a benchmark of that id: no benchmarks directory found (set REEV_BENCHMARKS, or put ../shared/benchmarks beside the repository)")
            { File = argument });
        }

        var benchmark = Path.Combine(directory, argument + ".yml");
        return File.Exists(benchmark)
            ? (benchmark, null)
            : (null, new CliError("invalid_flow_file", $"neither a file '{argument}' nor a benchmark '{benchmark}' exists (reev benchmarks lists the ids)") { File = argument });
    }
}
