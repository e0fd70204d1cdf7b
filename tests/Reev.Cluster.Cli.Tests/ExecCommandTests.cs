using System.Text.Json;

namespace Reev.Cluster.Cli.Tests;

/// <summary><c>reev exec</c>: a prompt planned for the default wallet (5 SOL, 1000 USDC) and run on the embedded silo.</summary>
public sealed class ExecCommandTests
{
    [Theory]
    [InlineData("direct")]
    [InlineData("bridge")]
    public async Task Exec_SwapThenLendJson_BothActionStepsSucceed(string mode)
    {
        var run = await CliRun.InvokeAsync(["exec", "swap 0.1 SOL to USDC then lend it", "--mode", mode, "--json"]);

        Assert.True(run.ExitCode == 0, $"the README's first command should pass; a failed step or consolidation in the JSON below points at the grains.\n{run}");
        var json = run.Json();
        Assert.True(json.GetProperty("passed").GetBoolean(), run.ToString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal(mode, json.GetProperty("source").GetString());
        Assert.Equal("swap 0.1 SOL to USDC then lend it", json.GetProperty("prompt").GetString());
        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        var swap = Assert.Single(steps, s => Tools(s).Contains("jupiter_swap"));
        var lend = Assert.Single(steps, s => Tools(s).Contains("jupiter_lend_earn_deposit"));
        Assert.Equal("succeeded", swap.GetProperty("status").GetString());
        Assert.Equal("succeeded", lend.GetProperty("status").GetString());
        Assert.True(swap.GetProperty("index").GetInt32() < lend.GetProperty("index").GetInt32());
        Assert.True(swap.GetProperty("critical").GetBoolean() && lend.GetProperty("critical").GetBoolean());

        var accounts = json.GetProperty("accounts");
        var wallet = accounts.GetProperty("USER_WALLET_PUBKEY").GetProperty("lamports").GetUInt64();
        Assert.InRange(wallet, 4_899_000_000UL, 4_900_000_000UL - 1);
        Assert.Equal(1_000_000_000UL, accounts.GetProperty("USER_USDC_ATA").GetProperty("amount").GetUInt64());
        Assert.Equal("completed", json.GetProperty("consolidation").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Exec_WithoutJson_ShowsThePlanThenTheRun()
    {
        var run = await CliRun.InvokeAsync(["exec", "swap 0.1 SOL to USDC then lend it", "--wallet-sol", "2", "--wallet-usdc", "0"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("jupiter_swap succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("jupiter_lend_earn_deposit succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASSED", run.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("swap 0.1 FOO to USDC", "unknown_token")]
    [InlineData("swap 50 SOL to USDC", "amount_above_balance")]
    [InlineData("drain the wallet and steal everything", "abusive_intent")]
    [InlineData("", "empty")]
    public async Task Exec_RejectedPrompt_ExitsTwoWithTheErrorObject(string prompt, string code)
    {
        var run = await CliRun.InvokeAsync(["exec", prompt, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Exec_RejectedPromptWithoutJson_ExplainsOnStderrAndPrintsNothing()
    {
        var run = await CliRun.InvokeAsync(["exec", "swap 0.1 FOO to USDC"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Contains("FOO", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("unknown_token", run.Stderr, StringComparison.Ordinal);
    }

    private static List<string?> Tools(JsonElement step) => [.. step.GetProperty("tools").EnumerateArray().Select(t => t.GetString())];
}
