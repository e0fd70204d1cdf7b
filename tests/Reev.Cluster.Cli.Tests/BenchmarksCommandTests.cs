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
    public async Task Benchmarks_DefaultDirectory_IsTheSharedSetBesideTheRepository()
    {
        var run = await CliRun.InvokeAsync(["benchmarks"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("001-sol-transfer", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("19 flow file(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Benchmarks_MissingDirectory_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["benchmarks", "--dir", "/nonexistent/reev-benchmarks", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("benchmarks_not_found", run.Json().GetProperty("error").GetProperty("code").GetString());
    }
}
