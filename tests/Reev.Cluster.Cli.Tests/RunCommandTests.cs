using System.Text.Json;

namespace Reev.Cluster.Cli.Tests;

/// <summary><c>reev run</c> on the embedded silo: the acceptance bullet and the human output.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_SolTransferJson_PassesWithFinalScoreOneAndReferenceBalances()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--json"]);

        Assert.True(run.ExitCode == 0, $"001-sol-transfer through the grains should pass (exit 0); if the JSON below shows a failed step or consolidation, the execution grains are at fault.\n{run}");
        var json = run.Json();
        Assert.True(json.GetProperty("passed").GetBoolean(), run.ToString());
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.Equal("001-sol-transfer", json.GetProperty("flow_id").GetString());
        Assert.StartsWith("cli-", json.GetProperty("execution_id").GetString(), StringComparison.Ordinal);
        var score = json.GetProperty("score");
        foreach (var component in new[] { "instruction", "onchain", "assertion", "final" })
        {
            Assert.True(score.GetProperty(component).GetDouble() == 1.0, $"score.{component} should be 1.0\n{run}");
        }

        var step = Assert.Single(json.GetProperty("steps").EnumerateArray());
        Assert.Equal(1, step.GetProperty("index").GetInt32());
        Assert.Equal("succeeded", step.GetProperty("status").GetString());
        Assert.Equal(["sol_transfer"], step.GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, step.GetProperty("attempts").GetInt32());
        Assert.Equal(JsonValueKind.Null, step.GetProperty("error").ValueKind);

        var accounts = json.GetProperty("accounts");
        Assert.Equal(100_000_000UL, accounts.GetProperty("RECIPIENT_WALLET_PUBKEY").GetProperty("lamports").GetUInt64());
        Assert.Equal(899_995_000UL, accounts.GetProperty("USER_WALLET_PUBKEY").GetProperty("lamports").GetUInt64());
        Assert.NotEqual(accounts.GetProperty("USER_WALLET_PUBKEY").GetProperty("address").GetString(), accounts.GetProperty("RECIPIENT_WALLET_PUBKEY").GetProperty("address").GetString());

        var consolidation = json.GetProperty("consolidation");
        Assert.True(consolidation.GetProperty("status").GetString() == "completed", $"consolidation should complete (ConsolidationGrain)\n{run}");
        Assert.False(string.IsNullOrEmpty(consolidation.GetProperty("consolidated_session_id").GetString()));
        Assert.Equal(1.0, consolidation.GetProperty("avg_score").GetDouble());
        Assert.Equal(1.0, consolidation.GetProperty("success_rate").GetDouble());
        Assert.Equal(1, consolidation.GetProperty("total_tools").GetInt32());
    }

    [Fact]
    public async Task Run_BenchmarkId_RunsTheBenchmarkFileOfThatId()
    {
        var run = await CliRun.InvokeAsync(["run", "001-sol-transfer", "--json"]);

        Assert.True(run.ExitCode == 0, $"a benchmark id as `reev benchmarks` lists it runs <benchmarks dir>/<id>.yml\n{run}");
        Assert.Equal("001-sol-transfer", run.Json().GetProperty("flow_id").GetString());
    }

    [Fact]
    public async Task Run_NeitherFileNorBenchmarkId_ExitsTwoNamingBothPlacesTried()
    {
        var id = $"no-such-benchmark-{Guid.NewGuid():N}";

        var json = await CliRun.InvokeAsync(["run", id, "--json"]);
        var text = await CliRun.InvokeAsync(["run", id]);

        Assert.True(json.ExitCode == 2, json.ToString());
        var error = json.Json().GetProperty("error");
        Assert.Equal("invalid_flow_file", error.GetProperty("code").GetString());
        Assert.Equal(id, error.GetProperty("file").GetString());
        var reason = error.GetProperty("reason").GetString()!;
        Assert.Contains($"neither a file '{id}' nor a benchmark '", reason, StringComparison.Ordinal);
        Assert.Contains($"{Path.DirectorySeparatorChar}{id}.yml' exists", reason, StringComparison.Ordinal);
        Assert.True(text.ExitCode == 2, text.ToString());
        Assert.Single(text.Stderr.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Run_Json_WritesNothingButTheJsonObjectOnStdout()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("002-spl-transfer"), "--json", "--seed", "5"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("{", run.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("}", run.Stdout.TrimEnd(), StringComparison.Ordinal);
        var json = run.Json();
        Assert.Equal(5, json.GetProperty("seed").GetInt32());
        var accounts = json.GetProperty("accounts");
        Assert.Equal(35_000_000UL, accounts.GetProperty("USER_USDC_ATA").GetProperty("amount").GetUInt64());
        Assert.Equal(15_000_000UL, accounts.GetProperty("RECIPIENT_USDC_ATA").GetProperty("amount").GetUInt64());
        Assert.False(string.IsNullOrEmpty(accounts.GetProperty("USER_USDC_ATA").GetProperty("mint").GetString()));
    }

    [Fact]
    public async Task Run_WithoutJson_PrintsToolCallsStepTableScoresAndConsolidation()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer")]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("sol_transfer succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 1 succeeded", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("instruction", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("consolidation completed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASSED", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FailingFlow_ExitsOneWithTheFailedStep()
    {
        // The noop agent calls no tool: nothing is sent, the flow runs and does not pass.
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("002-spl-transfer"), "--agent", "noop", "--json"]);

        Assert.True(run.ExitCode == 1, $"a flow that ran and did not pass exits 1\n{run}");
        var json = run.Json();
        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal("noop", json.GetProperty("agent").GetString());
    }

    [Fact]
    public async Task Run_Interrupted_CancelsTheExecutionByCliAndExitsNonZero()
    {
        // Every attempt of step 1 fails with a transient error, so the step sits in backoff until it is cancelled.
        using var interrupt = new CancellationTokenSource();
        var stdout = new SignalingWriter("retrying", interrupt);

        var run = await CliRun.InvokeAsync(
            ["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--faults", "transient@1+2+3+4+5+6+7+8+9+10"],
            stdout: stdout,
            cancellationToken: interrupt.Token);

        Assert.True(stdout.Signalled, $"the step never reported a retry to wait in\n{run}");
        Assert.True(run.ExitCode == 130, $"Ctrl+C exits 130\n{run}");
        Assert.Contains("CANCELLED by cli", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("status cancelled", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("consolidation completed", run.Stdout, StringComparison.Ordinal);
    }
}
