namespace Reev.Cluster.Cli.Tests;

/// <summary><c>reev plan</c>: planning without running.</summary>
public sealed class PlanCommandTests
{
    [Fact]
    public async Task Plan_SwapJson_OneJupiterSwapStepWithItsParams()
    {
        var run = await CliRun.InvokeAsync(["plan", "swap 0.1 SOL to USDC", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.False(string.IsNullOrEmpty(json.GetProperty("flow_id").GetString()));
        var swap = Assert.Single(json.GetProperty("steps").EnumerateArray(), s => s.GetProperty("tool").GetString() == "jupiter_swap");
        Assert.True(swap.GetProperty("critical").GetBoolean());
        Assert.True(swap.GetProperty("index").GetInt32() >= 1);
        var parameters = swap.GetProperty("params");
        Assert.Equal("So11111111111111111111111111111111111111112", parameters.GetProperty("input_mint").GetString());
        Assert.Equal("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", parameters.GetProperty("output_mint").GetString());
        Assert.Equal(100_000_000UL, parameters.GetProperty("amount").GetUInt64());
        Assert.Equal("USER_WALLET_PUBKEY", parameters.GetProperty("user_pubkey").GetString());
        Assert.Contains("jupiter_swap", json.GetProperty("yaml").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Yaml_PrintsAFlowFileThatRunPasses()
    {
        var plan = await CliRun.InvokeAsync(["plan", "swap 0.1 SOL to USDC", "--yaml"]);
        Assert.True(plan.ExitCode == 0, plan.ToString());
        var file = Path.Combine(Path.GetTempPath(), $"reev-cli-plan-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, plan.Stdout);
        try
        {
            var run = await CliRun.InvokeAsync(["run", file, "--json"]);

            Assert.True(run.ExitCode == 0, $"the planned flow file should run and pass\n{run}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Plan_RejectedPrompt_ExitsTwoWithTheErrorObject()
    {
        var run = await CliRun.InvokeAsync(["plan", "swap 0.1 FOO to USDC", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("unknown_token", run.Json().GetProperty("error").GetProperty("code").GetString());
    }
}
