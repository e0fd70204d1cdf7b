namespace Reev.Cluster.Cli.Tests;

/// <summary>
/// The reference benchmark set the CLI tests run: <c>REEV_BENCHMARKS</c> (or <c>REEV_BENCHMARKS_DIR</c>), else
/// <c>../shared/benchmarks</c> beside the repository root found upwards from the test binaries, else
/// <c>/work/shared/benchmarks</c>. Missing, the tests fail with this message; they never skip.
/// </summary>
public static class BenchmarkFiles
{
    private static readonly Lazy<string> Located = new(Locate);

    public static string Directory => Located.Value;

    public static string PathOf(string id) => Path.Combine(Directory, id + ".yml");

    private static string Locate()
    {
        var tried = new List<string>();
        foreach (var variable in new[] { "REEV_BENCHMARKS", "REEV_BENCHMARKS_DIR" })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
            {
                tried.Add($"{variable}={configured}");
                if (System.IO.Directory.Exists(configured))
                {
                    return Path.GetFullPath(configured);
                }
            }
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reev.Cluster.sln")))
            {
                var candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "benchmarks"));
                tried.Add(candidate);
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }

                break;
            }
        }

        const string Machine = "/work/shared/benchmarks";
        tried.Add(Machine);
        if (System.IO.Directory.Exists(Machine))
        {
            return Machine;
        }

        throw new InvalidOperationException(
            "The reference benchmark folder was not found (tried: " + string.Join(", ", tried) + "). " +
            "Set REEV_BENCHMARKS to the folder holding 001-sol-transfer.yml … 305-yield-farming-optimization.yml.");
    }
}
