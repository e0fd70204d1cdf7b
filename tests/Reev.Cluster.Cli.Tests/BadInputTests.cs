namespace Reev.Cluster.Cli.Tests;

/// <summary>Bad input exits 2 before anything runs, with an error that says what and where.</summary>
public sealed class BadInputTests
{
    [Fact]
    public async Task Run_MalformedYaml_ExitsTwoNamingThePathAsGivenAndTheLine()
    {
        var file = Path.Combine(Path.GetTempPath(), $"reev-cli-bad-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, "id: bad\ndescription: broken\ntags: [a, b\ninitial_state: []\n");
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);
        try
        {
            var json = await CliRun.InvokeAsync(["run", file, "--json"]);
            var text = await CliRun.InvokeAsync(["run", relative]);

            Assert.True(json.ExitCode == 2, json.ToString());
            var error = json.Json().GetProperty("error");
            Assert.Equal("invalid_flow_file", error.GetProperty("code").GetString());
            Assert.Equal(file, error.GetProperty("file").GetString());
            Assert.True(error.GetProperty("line").GetInt32() >= 3, json.ToString());
            Assert.StartsWith(file + ":", error.GetProperty("reason").GetString(), StringComparison.Ordinal);

            Assert.True(text.ExitCode == 2, text.ToString());
            Assert.Equal(string.Empty, text.Stdout);
            Assert.False(Path.IsPathRooted(relative), relative);
            Assert.StartsWith($"reev: {relative}:", text.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Run_Directory_ExitsTwoSayingItIsADirectory()
    {
        var folder = Path.GetTempPath().TrimEnd('/');

        var run = await CliRun.InvokeAsync(["run", folder, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("invalid_flow_file", error.GetProperty("code").GetString());
        Assert.Equal($"{folder}: (file): a directory, not a flow file", error.GetProperty("reason").GetString());
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
    [InlineData("--atomic: 'sometimes' is not one of strict, conditional, lenient", "run", "FILE", "--atomic", "sometimes")]
    [InlineData("--mode: 'sideways' is not one of direct, bridge", "exec", "swap 0.1 SOL to USDC", "--mode", "sideways")]
    [InlineData("--seed: 'many' is not an integer", "run", "FILE", "--seed", "many")]
    [InlineData("--seed: '99999999999' is out of range", "run", "FILE", "--seed", "99999999999")]
    [InlineData("--wallet-usdc: 'lots' is not a number", "exec", "swap 0.1 SOL to USDC", "--wallet-usdc", "lots")]
    [InlineData("--flows: 'all' is not an integer", "load", "--flows", "all")]
    [InlineData("<answer>: 'maybe' is not one of retry, skip, abort, alternate", "answer", "cli-1", "maybe")]
    [InlineData("--seed: needs a value", "run", "FILE", "--seed")]
    public async Task Command_BadOptionValue_ExitsTwoWithOneLineNamingTheOption(string expected, params string[] args)
    {
        args = [.. args.Select(a => a == "FILE" ? BenchmarkFiles.PathOf("001-sol-transfer") : a)];

        var json = await CliRun.InvokeAsync(["--json", .. args]);
        var text = await CliRun.InvokeAsync(args);

        Assert.True(json.ExitCode == 2, json.ToString());
        var error = json.Json().GetProperty("error");
        Assert.Equal("invalid_arguments", error.GetProperty("code").GetString());
        Assert.Equal(expected, error.GetProperty("reason").GetString());
        Assert.True(text.ExitCode == 2, text.ToString());
        Assert.Equal($"reev: {expected} (see reev --help) [invalid_arguments]", text.Stderr.TrimEnd('\r', '\n'));
        Assert.DoesNotContain("System.", text.Stderr, StringComparison.Ordinal);
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
