using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// The consolidation's totals, the recovery grain's counters (what /api/v1/recovery/metrics serves) and the grains'
/// instruments count what happened, once. In the collection without parallelization: instrument measurements are
/// process-wide.
/// </summary>
[Collection(GrainFailureCollection.Name)]
public sealed class RecoveryMetricsTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Consolidation_StepDecidedByAnAlternate_CreditsTheDecidingSessionWithItsOwnToolCalls()
    {
        using var meters = CollectMeters();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        // Slippage on the first attempt: the swap fails in the step's first session, and a reduced-amount alternate (a
        // second session) swaps again. The step's tools list both sessions' calls.
        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("100-jup-swap-sol-usdc"), faults: "slippage@1"));

        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Recovered, step.Status);
        var deciding = (await host.Client.GetGrain<IStepGrain>(step.SessionKey!).ReadAsync())!;
        var own = deciding.Attempts[^1].ToolCalls.Select(c => c.ToolName).ToList();
        Assert.True(step.Tools.Count > own.Count, $"the step's calls ({string.Join(", ", step.Tools)}) span more than the deciding session's ({string.Join(", ", own)})");
        var consolidation = view.Consolidation!;
        Assert.Equal(ConsolidationStatus.Completed, consolidation.Status);
        Assert.Equal(own.Count, consolidation.TotalTools);
        Assert.Contains($"success, score {deciding.Attempts[^1].Score.FinalScore.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}, tools {string.Join(", ", own)}\n",
            consolidation.ConsolidatedContent, StringComparison.Ordinal);
        Assert.Equal(1, meters.Sum("reev.cluster.consolidations", "status", nameof(ConsolidationStatus.Completed)));
        Assert.Equal(1, meters.Sum("reev.cluster.recovery.actions", "strategy", "alternate_flow"));
    }

    [Fact]
    public async Task RecoveryMetrics_StepWithARetryAndAnAlternate_CountTheStepTimeOnce()
    {
        using var meters = CollectMeters();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = new RecoveryConfig { InTurnRetries = 1, InTurnRetryDelayMs = 5, MaxRecoveryTimeMs = 1, EnableAlternativeFlows = true };

        // Attempts 1 and 2 (the in-turn retry) fail transiently: the retry did not help. Attempt 3, a fresh-attempt
        // alternate, succeeds. Two decided recovery actions share the step's time.
        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer"), faults: "transient@1+2", recovery: recovery));

        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Recovered, step.Status);
        Assert.Equal(3, step.Attempts);
        Assert.True(step.DurationMs > 0, "the step took time");
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "retry" && a.Succeeded == false);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Succeeded == true);
        var metrics = await RecordedAsync(host, expected: 2);
        Assert.Equal(1, metrics.Successes);
        Assert.Equal(1, metrics.Failures);
        Assert.Equal(1, metrics.RecoveriesByStrategy.GetValueOrDefault("alternate_flow"));
        Assert.Equal(1, metrics.FailuresByStrategy.GetValueOrDefault("retry"));
        Assert.Equal(step.DurationMs, metrics.TotalTimeSpentMs, 6);
        Assert.Equal(1, meters.Sum("reev.cluster.recovery.actions", "strategy", "alternate_flow"));
    }

    [Theory]
    [InlineData(FulfillmentAnswer.Skip, ExecutionStatus.Completed)]
    [InlineData(FulfillmentAnswer.Abort, ExecutionStatus.Failed)]
    public async Task RecoveryMetrics_UserAnswersSkipOrAbort_CountANotRecoveredStep(FulfillmentAnswer answer, ExecutionStatus outcome)
    {
        using var meters = CollectMeters();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"{answer.ToString().ToLowerInvariant()}-metrics-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        // 5 SOL from a 1 SOL wallet: step 1 fails for good; the user leaves it failed (lenient: Skip goes on to step 2).
        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Lenient, recovery: ConsolidationAndFulfillmentTests.AskTheUser));
        var waiting = await ConsolidationAndFulfillmentTests.WaitForQuestionAsync(grain);
        await grain.AnswerAsync(answer, "bob", waiting.Question!.Sequence);
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(outcome, view.Status);
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "user_fulfillment" && a.Detail == $"bob: {answer}" && a.Succeeded == false);
        var metrics = await RecordedAsync(host, expected: 1);
        Assert.Equal(0, metrics.Successes);
        Assert.Equal(1, metrics.Failures);
        Assert.False(metrics.RecoveriesByStrategy.ContainsKey("user_fulfillment"), "a step the user left failed is not a recovery");
        Assert.Equal(1, metrics.FailuresByStrategy.GetValueOrDefault("user_fulfillment"));
        Assert.Equal(1, meters.Sum("reev.cluster.recovery.actions", "strategy", "user_fulfillment")); // one question asked
    }

    [Fact]
    public async Task RecoveryMetrics_UserAnswersAlternate_CountTheAlternateAsOneTheExecutionChose()
    {
        using var meters = CollectMeters();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"alternate-metrics-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        // Slippage, not retried; alternates off: the user is asked at once and chooses the alternate (a reduced amount).
        await grain.StartAsync(Flows.Request(Flows.Benchmark("100-jup-swap-sol-usdc"), faults: "slippage@1", recovery: ConsolidationAndFulfillmentTests.AskTheUser));
        var waiting = await ConsolidationAndFulfillmentTests.WaitForQuestionAsync(grain);
        await grain.AnswerAsync(FulfillmentAnswer.Alternate, "bob", waiting.Question!.Sequence);
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(StepRunStatus.Recovered, view.Steps[0].Status);
        Assert.Equal(AlternateKind.ReducedAmount, view.Steps[0].Alternate);
        // The entries an alternate the execution chose gets: running (undecided), then its outcome.
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "user_fulfillment" && a.Detail == "bob: Alternate" && a.Succeeded == null);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail == "running ReducedAmount after SlippageExceeded" && a.Succeeded == null);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail == "ReducedAmount succeeded" && a.Succeeded == true);
        Assert.True(meters.Sum("reev.cluster.recovery.actions", "strategy", "alternate_flow") == 1,
            $"reev.cluster.recovery.actions: expected one alternate_flow, got {meters.Describe("reev.cluster.recovery.actions")}");
        Assert.Equal(1, meters.Sum("reev.cluster.recovery.actions", "strategy", "user_fulfillment"));
        var metrics = await RecordedAsync(host, expected: 1);
        Assert.Equal(1, metrics.Successes);
        Assert.Equal(1, metrics.RecoveriesByStrategy.GetValueOrDefault("alternate_flow"));
        // The playbook learns the alternate's success for the error it answered, as for one the execution chose.
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);
        await Eventually.HoldsAsync(
            async () => (await recovery.ReadMetricsAsync()).Playbook.Any(p => p.ErrorKind == "SlippageExceeded" && p.Alternate == AlternateKind.ReducedAmount && p.Successes == 1),
            Patience,
            "the consolidation feeds the user's alternate into the playbook under SlippageExceeded");
    }

    [Fact]
    public async Task Instruments_AnExecution_AreMeasuredOnTheProductMeterTheSiloExports()
    {
        // The name the silo's OTLP export subscribes to (SiloTelemetry): the one product meter, not one per component.
        using var meters = new MeterCollector("Reev.Cluster", "reev.cluster.executions.started", "reev.cluster.executions.finished", "reev.cluster.steps.attempts");
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")));

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.True(meters.Sum("reev.cluster.executions.started") == 1, $"reev.cluster.executions.started on meter Reev.Cluster: expected 1, got [{meters.Describe("reev.cluster.executions.started")}]");
        Assert.Equal(1, meters.Sum("reev.cluster.executions.finished", "status", nameof(ExecutionStatus.Completed)));
        Assert.Equal(1, meters.Sum("reev.cluster.steps.attempts"));
        Assert.Equal("Reev.Cluster.Grains", GrainsTelemetry.Source.Name); // spans stay on the component's own source
    }

    /// <summary>The grains' instruments these tests count, on the product meter the other components share.</summary>
    private static MeterCollector CollectMeters() =>
        new(GrainsTelemetry.MeterName, "reev.cluster.recovery.actions", "reev.cluster.consolidations");

    /// <summary>The recovery grain's counters once the execution's <paramref name="expected"/> decided actions reached it.</summary>
    private static async Task<RecoveryMetrics> RecordedAsync(GrainHost host, long expected)
    {
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);
        RecoveryMetrics? metrics = null;
        await Eventually.HoldsAsync(async () => (metrics = await recovery.ReadMetricsAsync()).Attempts >= expected, Patience,
            $"the recovery grain records {expected} decided actions");
        Assert.True(metrics!.Attempts == expected, $"recovery attempts: expected {expected}, got {metrics.Attempts}");
        return metrics;
    }
}
