using System.Diagnostics;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Tests;

/// <summary>Remote mode (<c>--gateway</c>): the CLI in process against the real gateway on a loopback port.</summary>
[Collection(LoopbackGatewayCollection.Name)]
public sealed class RemoteCommandTests(LoopbackGateway gateway)
{
    private const string TwoStepBenchmark = "116-jup-lend-redeem-usdc";

    /// <summary>A flow that keeps failing transiently with 5 s backoffs: running long enough to be cancelled.</summary>
    private static readonly object SlowRun = new
    {
        faults = "transient=1.0",
        recovery_config = new { base_retry_delay_ms = 5000, max_retry_delay_ms = 5000, max_recovery_time_ms = 20000 },
    };

    [Fact]
    public async Task Exec_Remote_CompletesWithExitZeroAndJson()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("exec", "swap 0.1 SOL to USDC then lend it", "--json"));

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal("completed", json.GetProperty("status").GetString());
        Assert.True(json.GetProperty("passed").GetBoolean(), run.ToString());
        Assert.Equal("direct", json.GetProperty("source").GetString());
        Assert.Equal("swap 0.1 SOL to USDC then lend it", json.GetProperty("prompt").GetString());
        Assert.Equal("completed", json.GetProperty("consolidation").GetProperty("status").GetString());
        var id = json.GetProperty("execution_id").GetString()!;
        var read = await gateway.Client.GetExecutionAsync(id, CancellationToken.None);
        Assert.True(read.Value?.Status == ExecutionStatus.Completed, $"the gateway should hold {id} as completed: {read.Problem}");
    }

    [Fact]
    public async Task Exec_Remote_Text_ShowsEventsThenVerdict()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("exec", "swap 0.1 SOL to USDC", "--mode", "bridge"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("gateway " + gateway.Url, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("execution completed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASSED", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_Remote_RejectedPrompt_ExitTwoWithProblemField()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("exec", "swap 3 FOO to BAR", "--json"));

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("prompt_rejected", error.GetProperty("code").GetString());
        Assert.Equal("prompt", error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Run_Remote_BenchmarkIdAndFilePath_BothRunTheGatewaysBenchmark()
    {
        var byId = await CliRun.InvokeAsync(gateway.Remote("run", TwoStepBenchmark, "--json"));
        var byFile = await CliRun.InvokeAsync(gateway.Remote("run", BenchmarkFiles.PathOf(TwoStepBenchmark), "--seed", "7", "--json"));

        Assert.True(byId.ExitCode == 0, byId.ToString());
        Assert.True(byFile.ExitCode == 0, byFile.ToString());
        Assert.Equal(TwoStepBenchmark, byId.Json().GetProperty("flow_id").GetString());
        Assert.Equal(TwoStepBenchmark, byFile.Json().GetProperty("flow_id").GetString());
        Assert.Equal(7, byFile.Json().GetProperty("seed").GetInt32());
        Assert.NotEqual(byId.Json().GetProperty("execution_id").GetString(), byFile.Json().GetProperty("execution_id").GetString());
    }

    [Fact]
    public async Task Run_Remote_UnknownBenchmark_ExitTwoNamingIt()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("run", "999-no-such-benchmark"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("999-no-such-benchmark", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[not_found]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_FinishedExecution_TextAndJson()
    {
        var id = await SubmitAsync(TwoStepBenchmark, null);
        await DrainAsync(id);

        var json = await CliRun.InvokeAsync(gateway.Remote("status", id, "--json"));
        var text = await CliRun.InvokeAsync(gateway.Remote("status", id));

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(id, json.Json().GetProperty("execution_id").GetString());
        Assert.Equal(2, json.Json().GetProperty("steps").GetArrayLength());
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(id, text.Stdout, StringComparison.Ordinal);
        Assert.Contains("completed", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("steps", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_UnknownId_ExitTwoNamingTheId()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("status", "cli-no-such-execution", "--json"));

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("not_found", error.GetProperty("code").GetString());
        Assert.Contains("cli-no-such-execution", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_LiveExecution_PrintsEveryEventInOrderEndingAtFinal()
    {
        var id = await SubmitAsync(TwoStepBenchmark, null);

        var run = await CliRun.InvokeAsync(gateway.Remote("watch", id));

        Assert.True(run.ExitCode == 0, run.ToString());
        var events = new List<GatewayEvent>();
        await foreach (var e in gateway.Client.StreamEventsAsync(id, 0, CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal("final", events[^1].Type);
        Assert.Contains(events, static e => e.Type == "step_started");
        Assert.Contains(events, static e => e.Type == "tool_called");
        Assert.Contains(events, static e => e.Type == "consolidation_finished");
        // The console wraps long lines at 80 columns: compare with whitespace runs as single spaces.
        var output = Flatten(run.Stdout);
        var position = -1;
        foreach (var e in events)
        {
            var at = output.IndexOf(Flatten(e.Message), position + 1, StringComparison.Ordinal);
            Assert.True(at > position, $"event {e.Sequence} ({e.Type}: '{e.Message}') should follow the one before it in the output\n{run}");
            position = at;
        }

        Assert.Contains("PASSED", output[position..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_DroppedStream_ResumesWithLastEventIdWithoutLossOrRepeat()
    {
        await using var proxy = new DroppingProxy(gateway.Url);
        var id = await SubmitAsync(TwoStepBenchmark, null);

        var run = await CliRun.InvokeAsync(["watch", id, "--gateway", proxy.Url, "--api-key", LoopbackGateway.OperatorKey]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(proxy.Dropped, "the proxy should have cut the first event stream");
        Assert.Matches(@"Last-Event-ID: [1-9]", proxy.Requests);
        var events = new List<GatewayEvent>();
        await foreach (var e in gateway.Client.StreamEventsAsync(id, 0, CancellationToken.None))
        {
            events.Add(e);
        }

        var output = Flatten(run.Stdout);
        foreach (var e in events.Where(static e => e.Type is "step_started" or "step_finished" or "final"))
        {
            var message = Flatten(e.Message);
            var first = output.IndexOf(message, StringComparison.Ordinal);
            Assert.True(first >= 0, $"event {e.Sequence} ('{e.Message}') is missing after the reconnect\n{run}");
            Assert.True(output.IndexOf(message, first + message.Length, StringComparison.Ordinal) < 0, $"event {e.Sequence} ('{e.Message}') was printed twice\n{run}");
        }
    }

    [Fact]
    public async Task Cancel_Running_ThenFinished_Is409StyleError()
    {
        var id = await SubmitAsync("001-sol-transfer", SlowRun);

        var cancel = await CliRun.InvokeAsync(gateway.Remote("cancel", id, "--reason", "cli test", "--json"));
        Assert.True(cancel.ExitCode == 0, cancel.ToString());
        Assert.Equal("cancelling", cancel.Json().GetProperty("status").GetString());

        var watch = await CliRun.InvokeAsync(gateway.Remote("watch", id, "--json"));
        Assert.True(watch.ExitCode == 130, $"a cancelled execution exits 130 like an interrupted run\n{watch}");
        Assert.Equal("cancelled", watch.Json().GetProperty("status").GetString());
        Assert.Equal("cli test", watch.Json().GetProperty("cancel_reason").GetString());

        var again = await CliRun.InvokeAsync(gateway.Remote("cancel", id, "--json"));
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Equal("already_finished", again.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Answer_AwaitingExecution_IsAnswered_AndNotAwaitingIsRefused()
    {
        var id = await SubmitAsync("100-jup-swap-sol-usdc", new
        {
            faults = "slippage=1.0",
            recovery_config = new { enable_alternative_flows = false, enable_user_fulfillment = true, base_retry_delay_ms = 10, max_retry_delay_ms = 10, max_recovery_time_ms = 200 },
        });
        GatewayExecution? view = null;
        await TestKit.Eventually.HoldsAsync(async () =>
        {
            view = (await gateway.Client.GetExecutionAsync(id, CancellationToken.None)).Value;
            return view is { Status: ExecutionStatus.AwaitingUser } || view?.IsFinal == true;
        }, TimeSpan.FromSeconds(30), "execution awaiting its user");
        Assert.Equal(ExecutionStatus.AwaitingUser, view!.Status);

        var status = await CliRun.InvokeAsync(gateway.Remote("status", id));
        Assert.Contains($"reev answer {id}", status.Stdout, StringComparison.Ordinal);
        var answer = await CliRun.InvokeAsync(gateway.Remote("answer", id, "abort", "--json"));
        Assert.True(answer.ExitCode == 0, answer.ToString());
        Assert.Equal("answered", answer.Json().GetProperty("status").GetString());

        var watch = await CliRun.InvokeAsync(gateway.Remote("watch", id, "--json"));
        Assert.Equal("failed", watch.Json().GetProperty("status").GetString());
        var expected = watch.Json().GetProperty("passed").GetBoolean() ? 0 : 1;
        Assert.True(watch.ExitCode == expected, $"the exit code follows 'passed' (the score), as a local run's does\n{watch}");
        var again = await CliRun.InvokeAsync(gateway.Remote("answer", id, "retry", "--json"));
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Equal("not_awaiting_user", again.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Executions_TableAndJson_ListTheBenchmarksExecutions()
    {
        var id = await SubmitAsync("004-partial-score-spl-transfer", null);
        await DrainAsync(id);

        var table = await CliRun.InvokeAsync(gateway.Remote("executions", "--benchmark", "004-partial-score-spl-transfer", "--limit", "5"));
        var json = await CliRun.InvokeAsync(gateway.Remote("executions", "--benchmark", "004-partial-score-spl-transfer", "--status", "completed", "--json"));

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("EXECUTION", table.Stdout, StringComparison.Ordinal);
        var row = Assert.Single(table.Stdout.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Contains("004-partial-score-spl-transfer", row, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        var items = json.Json().EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("execution_id").GetString() == id);
        Assert.All(items, static i => Assert.Equal("completed", i.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Executions_BadLimit_ExitTwoWithTheProblemsField()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("executions", "--limit", "0", "--json"));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("limit", run.Json().GetProperty("error").GetProperty("field").GetString());
    }

    [Fact]
    public async Task Load_ThroughGateway_EveryFlowFinishesAndNoStepRunsTwice()
    {
        var run = await CliRun.InvokeAsync(gateway.Remote("load", "--flows", "20", "--concurrency", "8", "--steps", "2", "--json"), TimeSpan.FromSeconds(120));

        Assert.True(run.ExitCode == 0, run.ToString());
        var json = run.Json();
        Assert.Equal(20, json.GetProperty("flows").GetInt32());
        Assert.Equal(2, json.GetProperty("steps_per_flow").GetInt32());
        Assert.Equal(0, json.GetProperty("lost").GetInt32());
        Assert.Equal(0, json.GetProperty("duplicate_steps").GetInt32());
        Assert.Equal(0, json.GetProperty("failed").GetInt32());
        Assert.True(json.GetProperty("start_latency_ms").GetProperty("p50").GetDouble() > 0, run.ToString());
        Assert.True(json.GetProperty("completion_latency_ms").GetProperty("p99").GetDouble() >= json.GetProperty("completion_latency_ms").GetProperty("p50").GetDouble());
        var page = await gateway.Client.ListExecutionsAsync("completed", null, 500, null, CancellationToken.None);
        Assert.True(page.Value!.Items.Count(static i => i.Agent == "noop") >= 20, "the gateway should list the load's 20 noop flows as completed");
    }

    [Fact]
    public async Task WrongKey_ExitTwoNamingTheKey()
    {
        var run = await CliRun.InvokeAsync(["executions", "--gateway", gateway.Url, "--api-key", "not-a-valid-key-0000000000"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("API key", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[unauthenticated]", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReaderKey_Cancel_ExitTwoNamingTheRole()
    {
        var run = await CliRun.InvokeAsync(["cancel", "cli-anything", "--gateway", gateway.Url, "--api-key", LoopbackGateway.ReaderKey, "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var error = run.Json().GetProperty("error");
        Assert.Equal("forbidden", error.GetProperty("code").GetString());
        Assert.Contains("role", error.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKey_OnKeyedGateway_ExitTwoAskingForTheKey()
    {
        var run = await CliRun.InvokeAsync(["executions", "--gateway", gateway.Url]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--api-key", run.Stderr, StringComparison.Ordinal);
    }

    private static string Flatten(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private async Task<string> SubmitAsync(string benchmark, object? body)
    {
        var accepted = await gateway.Client.RunBenchmarkAsync(benchmark, body, null, CancellationToken.None);
        Assert.True(accepted.IsSuccess, $"setup: running {benchmark} through the gateway: {accepted.Problem}");
        return accepted.Value!.ExecutionId;
    }

    private async Task DrainAsync(string id)
    {
        await foreach (var _ in gateway.Client.StreamEventsAsync(id, 0, CancellationToken.None))
        {
        }
    }
}
