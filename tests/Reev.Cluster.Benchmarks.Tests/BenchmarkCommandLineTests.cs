namespace Reev.Cluster.Benchmarks.Tests;

/// <summary>The benchmark tool's help: every subcommand named, each one's options on <c>--help</c>, exit codes.</summary>
public sealed class BenchmarkCommandLineTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Answer_Help_PrintsEverySubcommandOnStdoutAndExitsZero(string help)
    {
        var (code, stdout, stderr) = Answer(help);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stderr);
        foreach (var subcommand in new[] { "runtime", "flows", "gateway", "prepare", "plan" })
        {
            Assert.Contains($"  {subcommand} ", stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("runtimes")]
    public void Answer_UnknownSubcommand_NamesItAndListsEverySubcommandExitTwo(string subcommand)
    {
        var (code, stdout, stderr) = Answer(subcommand, "--quick");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith($"error: unknown subcommand '{subcommand}'", stderr, StringComparison.Ordinal);
        Assert.Contains("  runtime ", stderr, StringComparison.Ordinal);
        Assert.Contains("  flows ", stderr, StringComparison.Ordinal);
        Assert.Contains("  gateway ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Answer_NoArguments_ListsEverySubcommandExitTwo()
    {
        var (code, _, stderr) = Answer();

        Assert.Equal(2, code);
        Assert.Contains("  flows ", stderr, StringComparison.Ordinal);
        Assert.Contains("  gateway ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runtime", "-- runtime [options]")]
    [InlineData("flows", "-- flows [options]")]
    [InlineData("gateway", "-- gateway [--postgres")]
    [InlineData("prepare", "-- prepare [--benchmark")]
    [InlineData("plan", "-- plan [--prompt")]
    public void Answer_SubcommandHelp_PrintsItsUsageWithoutAnErrorExitZero(string subcommand, string usage)
    {
        foreach (var help in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = Answer(subcommand, "--quick", help);

            Assert.Equal(0, code);
            Assert.Equal(string.Empty, stderr);
            Assert.Contains(usage, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Answer_SubcommandWithOptions_RunsIt()
    {
        var (code, stdout, stderr) = Answer("flows", "--flows", "10");

        Assert.Null(code);
        Assert.Equal(string.Empty, stdout + stderr);
    }

    private static (int? Code, string Stdout, string Stderr) Answer(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = BenchmarkCommandLine.Answer(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
