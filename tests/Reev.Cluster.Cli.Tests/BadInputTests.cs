namespace Reev.Cluster.Cli.Tests;

/// <summary>Bad input exits 2 before anything runs, with an error that says what and where.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Run_MalformedYaml_ExitsTwoNamingFileAndLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"reev-cli-bad-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, "id: bad\ndescription: broken\ntags: [a, b\ninitial_state: []\n");
        try
        {
            var json = await CliRun.InvokeAsync(["run", file, "--json"]);
            var text = await CliRun.InvokeAsync(["run", file]);

            Assert.True(json.ExitCode == 2, json.ToString());
            var error = json.Json().GetProperty("error");
            Assert.Equal("invalid_flow_file", error.GetProperty("code").GetString());
            Assert.Equal(Path.GetFileName(file), error.GetProperty("file").GetString());
            Assert.True(error.GetProperty("line").GetInt32() >= 3, json.ToString());
            Assert.Contains(Path.GetFileName(file) + ":", error.GetProperty("reason").GetString(), StringComparison.Ordinal);

            Assert.True(text.ExitCode == 2, text.ToString());
            Assert.Equal(string.Empty, text.Stdout);
            Assert.Contains(Path.GetFileName(file) + ":", text.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_EmptyPath_ExitsTwoSayingSo()
    {
        var run = await CliRun.InvokeAsync(["run", "", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("invalid_flow_file", error.GetProperty("code").GetString());
        Assert.Contains("the path is empty", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_MissingPlaceholderField_ExitsTwoNamingTheField()
    {
        var file = Path.Combine(Path.GetTempPath(), $"reev-cli-field-{Guid.NewGuid():N}.yml");
        var yaml = await File.ReadAllTextAsync(BenchmarkFiles.PathOf("001-sol-transfer"));
        await File.WriteAllTextAsync(file, yaml.Replace("description:", "descriptio:", StringComparison.Ordinal));
        try
        {
            var run = await CliRun.InvokeAsync(["run", file, "--json"]);

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Equal("invalid_flow_file", run.Json().GetProperty("error").GetProperty("code").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_MissingFile_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["run", "/nonexistent/flow.yml", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("invalid_flow_file", run.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Run_UnknownAgent_ExitsTwoListingTheKnownAgents()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--agent", "gpt-17", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("unknown_agent", error.GetProperty("code").GetString());
        Assert.Contains("deterministic", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("run", "--atomic", "sometimes")]
    [InlineData("exec", "--mode", "sideways")]
    [InlineData("run", "--seed", "many")]
    public async Task Command_BadOptionValue_ExitsTwoWithTheParseError(string command, string option, string value)
    {
        var target = command == "run" ? BenchmarkFiles.PathOf("001-sol-transfer") : "swap 0.1 SOL to USDC";

        var json = await CliRun.InvokeAsync([command, target, option, value, "--json"]);
        var text = await CliRun.InvokeAsync([command, target, option, value]);

        Assert.True(json.ExitCode == 2, json.ToString());
        var error = json.Json().GetProperty("error");
        Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
        Assert.Contains(value, error.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(text.ExitCode == 2, text.ToString());
        Assert.Contains(value, text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_BadFaultSpec_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--faults", "meteor=2", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("invalid_faults", run.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Exec_NegativeWallet_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["exec", "swap 0.1 SOL to USDC", "--wallet-sol", "-1", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("invalid_wallet", run.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task NoCommand_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync([]);

        Assert.True(run.ExitCode == 2, run.ToString());
    }
}
