using System.Diagnostics.Metrics;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Running;

public sealed class StepRunnerTests
{
    [Fact]
    public async Task Run_AgentOutlivesTheStepTimeout_RetryableTimeoutOutcome()
    {
        var fixture = StepFixture.Prepare("116-jup-lend-redeem-usdc");
        var clock = new ManualTimeProvider();
        var agent = new BlockingAgent();
        var runner = new StepRunner(new AgentRegistry([agent]), clock);

        var running = runner.RunAsync(fixture.Request(BlockingAgent.AgentName), CancellationToken.None);
        await agent.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(running.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        // 116 gives step 1 a 30 s timeout.
        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.Timeout, outcome.Error!.Kind);
        Assert.True(outcome.Error.Retryable);
        Assert.Contains("timed out after 30000 ms", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CallerCancels_OperationCanceledPropagates()
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");
        var agent = new BlockingAgent();
        var runner = new StepRunner(new AgentRegistry([agent]));
        using var cancellation = new CancellationTokenSource();

        var running = runner.RunAsync(fixture.Request(BlockingAgent.AgentName), cancellation.Token);
        await agent.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Theory]
    [InlineData("gpt-9", null, 1, FlowErrorKind.UnknownAgent, "unknown agent \"gpt-9\"")]
    [InlineData(DeterministicAgent.AgentName, "meteor=1", 1, FlowErrorKind.InvalidRequest, "unknown fault")]
    [InlineData(DeterministicAgent.AgentName, null, 3, FlowErrorKind.InvalidRequest, "step 3 is outside 1..1")]
    public async Task Run_InvalidRequest_FailedOutcomeNotException(string agent, string? faults, int step, FlowErrorKind kind, string mention)
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(agent, faults: faults) with { StepIndex = step }, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(kind, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable);
        Assert.Contains(mention, outcome.Error.Message, StringComparison.Ordinal);
        Assert.Equal(fixture.Flow.InitialLedger, outcome.Ledger);
    }

    [Fact]
    public async Task Run_NoopAgent_SucceedsWithoutToolsOrLedgerChangeAndScoresNoOnChainCredit()
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(NoopAgent.AgentName), CancellationToken.None);

        Assert.True(outcome.Succeeded);
        Assert.Empty(outcome.ToolCalls);
        Assert.Equal(fixture.Flow.InitialLedger, outcome.Ledger);
        Assert.Equal(0.0, outcome.Score.OnChainScore);
        Assert.Equal(0.0, outcome.Score.InstructionScore);
    }

    [Fact]
    public async Task Run_AgentThrowsFlowAgentException_AgentFailedKeepsTransience()
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");
        var runner = new StepRunner(new AgentRegistry([new ThrowingAgent(transient: false)]));

        var outcome = await runner.RunAsync(fixture.Request(ThrowingAgent.AgentName), CancellationToken.None);

        Assert.Equal(FlowErrorKind.AgentFailed, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable);
        Assert.Equal(RecoveryHint.None, outcome.Error.Hint);
    }

    [Fact]
    public async Task Run_EmitsStepToolAndTransactionMetrics()
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");
        using var metrics = new FlowsMetrics();
        var measurements = new List<(string Name, long Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"))));
            }
        });
        listener.Start();
        var runner = new StepRunner(AgentRegistry.CreateDefault(), metrics: metrics);

        await runner.RunAsync(fixture.Request(), CancellationToken.None);
        await runner.RunAsync(fixture.Request(faults: "transient@1"), CancellationToken.None);

        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.steps", Value: 1, Tags: "agent=deterministic,outcome=succeeded" });
        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.steps", Value: 1, Tags: "agent=deterministic,outcome=failed" });
        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.tool.calls", Tags: "tool=sol_transfer,outcome=success" });
        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.tool.calls", Tags: "tool=sol_transfer,outcome=Transient" });
        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.transactions", Tags: "status=success" });
        Assert.Contains(measurements, m => m is { Name: "reev.cluster.flows.faults.injected", Tags: "kind=transient" });
    }

    [Fact]
    public async Task StepOutcomeAndRequest_JsonRoundTrip_AreEqual()
    {
        var report = await FlowHarness.RunAsync("200-jup-swap-then-lend-deposit");
        var outcome = report.Steps[0];

        var json = System.Text.Json.JsonSerializer.Serialize(outcome, FlowsJsonContext.Default.StepOutcome);
        var back = System.Text.Json.JsonSerializer.Deserialize(json, FlowsJsonContext.Default.StepOutcome)!;
        var ledgerBack = System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.Serialize(report.FinalLedger, FlowsJsonContext.Default.LedgerSnapshot), FlowsJsonContext.Default.LedgerSnapshot);
        var scoreBack = System.Text.Json.JsonSerializer.Deserialize(
            System.Text.Json.JsonSerializer.Serialize(report.Score, FlowsJsonContext.Default.ScoreReport), FlowsJsonContext.Default.ScoreReport);

        Assert.Equal(outcome.Ledger, back.Ledger);
        Assert.Equal(outcome.ToolCalls, back.ToolCalls);
        Assert.Equal(outcome.Transactions, back.Transactions);
        Assert.Equal(outcome.Score, back.Score);
        Assert.Equal(outcome.Received, back.Received);
        Assert.Equal(outcome with { Received = back.Received }, back);
        Assert.Equal(report.FinalLedger, ledgerBack);
        Assert.Equal(report.Score, scoreBack);
        Assert.Contains("\"status\":\"Succeeded\"", json, StringComparison.Ordinal);
    }

    private sealed class BlockingAgent : IFlowAgent
    {
        public const string AgentName = "blocking";

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => AgentName;

        public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
            return new AgentResult(default(EquatableArray<ToolCallRecord>), "unreachable");
        }
    }

    private sealed class ThrowingAgent(bool transient) : IFlowAgent
    {
        public const string AgentName = "throwing";

        public string Name => AgentName;

        public Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken) =>
            throw new FlowAgentException("model refused") { IsTransient = transient };
    }
}
