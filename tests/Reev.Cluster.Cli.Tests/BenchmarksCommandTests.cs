using Reev.Cluster.Cli.Benchmarks;

namespace Reev.Cluster.Cli.Tests;

/// <summary><c>reev benchmarks</c>: the reference set with ids, steps and descriptions.</summary>
public sealed class BenchmarksCommandTests
{
    [Fact]
    public async Task Benchmarks_Json_ListsThe19ReferenceFilesWithIdStepsAndDescription()
    {
        var run = await CliRun.InvokeAsync(["benchmarks", "--dir", BenchmarkFiles.Directory, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var benchmarks = run.Json().GetProperty("benchmarks").EnumerateArray().ToList();
        Assert.Equal(19, benchmarks.Count);
        var expected = Directory.EnumerateFiles(BenchmarkFiles.Directory, "*.yml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal);
        Assert.Equal(expected, benchmarks.Select(b => b.GetProperty("id").GetString()));
        Assert.All(benchmarks, b => Assert.True(b.GetProperty("steps").GetInt32() >= 1, b.ToString()));
        Assert.All(benchmarks, b => Assert.False(string.IsNullOrWhiteSpace(b.GetProperty("description").GetString()), b.ToString()));
        Assert.Equal(2, benchmarks.Single(b => b.GetProperty("id").GetString() == "116-jup-lend-redeem-usdc").GetProperty("steps").GetInt32());
    }

    [Fact]
    public async Task Benchmarks_WithoutJson_PrintsATableAndTheCount()
    {
        var run = await CliRun.InvokeAsync(["benchmarks", "--dir", BenchmarkFiles.Directory]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("001-sol-transfer", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("19 flow file(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Locate_NoDirOrVariable_FindsSharedBenchmarksBesideTheRepositoryAboveTheStart()
    {
        var root = Directory.CreateTempSubdirectory("reev-cli-layout-");
        try
        {
            var repo = Directory.CreateDirectory(Path.Combine(root.FullName, "clone"));
            File.WriteAllText(Path.Combine(repo.FullName, "Reev.Cluster.sln"), string.Empty);
            var nested = Directory.CreateDirectory(Path.Combine(repo.FullName, "artifacts", "bin", "reev"));
            var benchmarks = Directory.CreateDirectory(Path.Combine(root.FullName, "shared", "benchmarks"));
            var variable = Directory.CreateDirectory(Path.Combine(root.FullName, "elsewhere"));

            Assert.Equal(benchmarks.FullName, BenchmarkDirectory.Locate(null, _ => null, [null, nested.FullName]));
            Assert.Equal(variable.FullName, BenchmarkDirectory.Locate(null, v => v == "REEV_BENCHMARKS" ? variable.FullName : null, [nested.FullName]));
            Assert.Equal(variable.FullName, BenchmarkDirectory.Locate(variable.FullName, _ => null, [nested.FullName]));
            Assert.Null(BenchmarkDirectory.Locate(null, _ => null, [root.FullName]));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Benchmarks_MissingDirectory_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["benchmarks", "--dir", "/nonexistent/reev-benchmarks", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("benchmarks_not_found", run.Json().GetProperty("error").GetProperty("code").GetString());
    }
}
