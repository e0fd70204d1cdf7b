using Microsoft.Extensions.DependencyInjection;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Consolidation;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Consolidation outcomes, user fulfillment and misbehaving agents on the embedded provider.</summary>
public sealed class ConsolidationAndFulfillmentTests(ITestOutputHelper output)
{
    /// <summary>No retry and no alternate: a failed step asks its user at once.</summary>
    internal static readonly RecoveryConfig AskTheUser = new()
    {
        InTurnRetries = 0,
        BaseRetryDelayMs = 50,
        MaxRetryDelayMs = 50,
        MaxRecoveryTimeMs = 120,
        EnableAlternativeFlows = false,
        EnableUserFulfillment = true,
        UserFulfillmentTimeoutMs = 60000,
    };

    [Fact]
    public async Task A_completed_consolidation_has_the_reference_fields()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit")));

        var c = view.Consolidation!;
        Assert.Equal(ConsolidationStatus.Completed, c.Status);
        Assert.Equal($"consolidated-{view.ExecutionId}", c.ConsolidatedSessionId);
        Assert.Equal(view.Steps.Select(s => s.SessionKey), c.OriginalSessionIds);
        Assert.Equal(view.Steps.Average(s => s.Score!.Value), c.AvgScore, 6);
        Assert.Equal(1.0, c.SuccessRate);
        Assert.Equal(view.Steps.Sum(s => s.Tools.Count), c.TotalTools);
        Assert.Equal(["gather", "merge", "summarize", "playbook"], c.PhasesCompleted);
        Assert.Contains("step 1", c.ConsolidatedContent, StringComparison.Ordinal);
        Assert.Contains("success", c.ConsolidatedContent, StringComparison.Ordinal);
        Assert.True(c.ExecutionDurationMs > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_consolidation_commits_its_timeout_reminder_in_one_turn_and_runs_its_phases_in_the_next(bool phaseHook)
    {
        // DESIGN: the consolidation runs under a reminder-backed timeout, with or without a phase that can wait.
        string[] turns = ["ConsolidateAsync", "RunPhasesAsync"];
        using var recorder = new SpanRecorder();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output,
            services: phaseHook ? s => s.AddSingleton<IConsolidationPhaseHook>(new SlowPhase("merge", TimeSpan.Zero)) : null);
        var id = $"phases-{Guid.NewGuid():N}";

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")), executionId: id);

        Assert.Equal(ConsolidationStatus.Completed, view.Consolidation!.Status);
        Assert.Equal(["gather", "merge", "summarize", "playbook"], view.Consolidation.PhasesCompleted);
        string?[] ConsolidationTurns() => recorder.Spans
            .Where(s => s.OperationName == "grain turn" && (string?)s.GetTagItem("reev.grain.type") == "consolidation"
                && (string?)s.GetTagItem("reev.grain.key") == id && (string?)s.GetTagItem("reev.grain.method") != "ReadAsync")
            .OrderBy(s => s.StartTimeUtc)
            .Select(s => (string?)s.GetTagItem("reev.grain.method"))
            .ToArray();
        // A turn's span ends after its commit hands the report on, so the last one may stop just after the view is final.
        await Eventually.HoldsAsync(() => ConsolidationTurns().Length >= turns.Length, TimeSpan.FromSeconds(10), "the consolidation's turns are traced");
        Assert.Equal(turns, ConsolidationTurns());
    }

    [Fact]
    public async Task A_hanging_phase_ends_the_consolidation_as_timed_out_with_score_0_and_leaves_the_execution_status()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output,
            services: s => s.AddSingleton<IConsolidationPhaseHook>(new HangingPhase("summarize")));

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")) with { ConsolidationTimeoutMs = 3000 });

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.True(view.Passed);
        Assert.Equal(ConsolidationStatus.TimedOut, view.Consolidation!.Status);
        Assert.Equal(0, view.Consolidation.AvgScore);
        Assert.Equal(["gather", "merge"], view.Consolidation.PhasesCompleted);
        Assert.Contains("summarize", view.Consolidation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_phase_ends_the_consolidation_as_failed_and_leaves_the_execution_status()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output,
            services: s => s.AddSingleton<IConsolidationPhaseHook>(new FailingPhase("merge")));

        var view = await host.RunAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Strict));

        Assert.Equal(ExecutionStatus.Failed, view.Status); // the steps' outcome, unchanged by the consolidation
        Assert.Equal(ConsolidationStatus.Failed, view.Consolidation!.Status);
        Assert.Equal(0, view.Consolidation.AvgScore);
        Assert.Contains("phase merge failed", view.Consolidation.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_execution_waits_for_its_user_and_resumes_on_retry()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"ask-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Benchmark("001-sol-transfer"), faults: "transient@1+2", recovery: AskTheUser));
        var waiting = await WaitForQuestionAsync(grain);
        await grain.AnswerAsync(FulfillmentAnswer.Retry, "bob", waiting.Question!.Sequence);
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(1, waiting.Question!.Step);
        Assert.Contains(FulfillmentAnswer.Retry, waiting.Question.Options);
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(StepRunStatus.Recovered, view.Steps[0].Status);
        Assert.Equal(3, view.Steps[0].Attempts);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "user_fulfillment" && a.Detail.Contains("bob: Retry", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_meant_for_another_question_is_recorded_and_not_applied()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"stale-answer-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Lenient, recovery: AskTheUser));
        var waiting = await WaitForQuestionAsync(grain);
        await grain.AnswerAsync(FulfillmentAnswer.Abort, "late", waiting.Question!.Sequence - 1);
        await grain.AnswerAsync(FulfillmentAnswer.Skip, "bob", waiting.Question.Sequence);
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Completed, view.Status); // skip applied (lenient: step 2 ran), not the stale abort
        Assert.Equal(StepRunStatus.Succeeded, view.Steps[1].Status);
        var events = await grain.ReadEventsAsync(0, 1000);
        Assert.Contains(events, e => e.Type == "answer_ignored" && e.Message.StartsWith("late answered Abort", StringComparison.Ordinal));
        Assert.Equal(waiting.Question.Sequence, events.Single(e => e.Type == "awaiting_user").Sequence);
    }

    [Fact]
    public async Task An_execution_waiting_for_its_user_ends_on_abort()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"abort-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Lenient, recovery: AskTheUser));
        await WaitForQuestionAsync(grain);
        await grain.AnswerAsync(FulfillmentAnswer.Abort, "bob", 0);
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Failed, view.Status);
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Skipped, view.Steps[1].Status);
    }

    [Fact]
    public async Task An_unanswered_question_gets_the_default_answer_when_its_reminder_fires()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"default-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Conditional,
            recovery: AskTheUser with { UserFulfillmentTimeoutMs = 400, DefaultAnswer = FulfillmentAnswer.Skip }));
        var view = await host.WaitFinalAsync(id);

        // Skip leaves the step failed, and the conditional mode ends the flow for a failed critical step at once: the
        // second step never runs (it would send a transaction for a flow already failed).
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Skipped, view.Steps[1].Status);
        Assert.Equal(ExecutionStatus.Failed, view.Status);
        Assert.Equal(0UL, Assert.Single(view.Accounts, a => a.Placeholder == "RECIPIENT_WALLET_PUBKEY").Lamports);
        var events = await grain.ReadEventsAsync(0, 1000);
        Assert.Contains(events, e => e.Type == "answer_timed_out");
        Assert.Equal(events.Select(e => e.Sequence), Enumerable.Range(1, events.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task A_conditional_flow_whose_steps_are_all_non_critical_and_all_failed_fails()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        // 5 SOL twice from a 1 SOL wallet: both steps fail for good; neither is critical.
        var view = await host.RunAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "5", firstCritical: false, secondCritical: false)), AtomicMode.Conditional));

        Assert.All(view.Steps, s => Assert.Equal(StepRunStatus.Failed, s.Status));
        Assert.Equal(ExecutionStatus.Failed, view.Status); // nothing was done: not a completed flow
    }

    [Fact]
    public async Task A_skipped_non_critical_step_lets_a_conditional_flow_complete()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"skip-{Guid.NewGuid():N}";

        await host.Client.GetGrain<IExecutionGrain>(id).StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1", firstCritical: false)), AtomicMode.Conditional,
            recovery: AskTheUser with { UserFulfillmentTimeoutMs = 200, DefaultAnswer = FulfillmentAnswer.Skip }));
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Succeeded, view.Steps[1].Status);
        Assert.Equal(ExecutionStatus.Completed, view.Status);
    }

    [Fact]
    public async Task A_default_answer_of_retry_asks_at_most_three_times_then_the_atomic_mode_decides()
    {
        // The first transfer fails for good (5 SOL from a smaller wallet): without a bound, a default of Retry would ask,
        // time out and retry for ever.
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var id = $"retry-default-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Conditional,
            recovery: AskTheUser with { UserFulfillmentTimeoutMs = 100, DefaultAnswer = FulfillmentAnswer.Retry }));
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Failed, view.Status);
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        var events = await grain.ReadEventsAsync(0, 1000);
        Assert.Equal(3, events.Count(e => e.Type == "awaiting_user"));
        Assert.Equal(3, events.Count(e => e.Type == "answer_timed_out"));
    }

    [Fact]
    public async Task A_cancel_that_arrives_while_consolidating_leaves_the_decided_outcome()
    {
        var merging = new SlowPhase("merge", TimeSpan.FromSeconds(2));
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, services: s => s.AddSingleton<IConsolidationPhaseHook>(merging));
        var id = $"late-cancel-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")));
        await merging.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionStatus.Consolidating, (await grain.ReadAsync())!.Status);
        await grain.CancelAsync(new CancelRequest("bob", "too late"));
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(ConsolidationStatus.Completed, view.Consolidation!.Status);
        Assert.DoesNotContain(await grain.ReadEventsAsync(0, 1000), e => e.Type == "cancelled");
    }

    [Fact]
    public async Task An_agent_that_throws_or_hangs_fails_its_step_and_the_silo_keeps_running()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, services: s =>
        {
            s.AddSingleton<IFlowAgent, ThrowingAgent>();
            s.AddSingleton<IFlowAgent, HangingAgent>();
        });
        var noRecovery = new RecoveryConfig { InTurnRetries = 0, MaxRecoveryTimeMs = 100, EnableAlternativeFlows = false };
        var document = Flows.Benchmark("001-sol-transfer");

        var thrown = await host.RunAsync(Flows.Request(document, recovery: noRecovery) with { Agent = "throws" });
        var hung = await host.RunAsync(Flows.Request(document, recovery: noRecovery) with { Agent = "hangs", DefaultStepTimeoutMs = 300 });
        var fine = await host.RunAsync(Flows.Request(document));

        Assert.Equal(ExecutionStatus.Failed, thrown.Status);
        Assert.Equal("AgentFailed", thrown.Steps[0].ErrorKind);
        Assert.Contains("agent bug", thrown.Steps[0].Error, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, hung.Status);
        Assert.Equal("Timeout", hung.Steps[0].ErrorKind);
        Assert.Equal(ExecutionStatus.Completed, fine.Status);
    }

    /// <summary>Waits until the execution asks its user; returns its view with the question.</summary>
    internal static async Task<ExecutionView> WaitForQuestionAsync(IExecutionGrain grain)
    {
        ExecutionView? view = null;
        await Eventually.HoldsAsync(
            async () => (view = await grain.ReadAsync())?.Status == ExecutionStatus.AwaitingUser,
            TimeSpan.FromSeconds(20),
            "the execution asks its user");
        return view!;
    }
}

/// <summary>Makes one consolidation phase throw.</summary>
public sealed class FailingPhase(string failingPhase) : IConsolidationPhaseHook
{
    public Task BeforePhaseAsync(string executionId, string phase, CancellationToken cancellationToken) =>
        phase == failingPhase ? throw new InvalidOperationException("disk full") : Task.CompletedTask;
}

/// <summary>Holds one consolidation phase for a while and says when it got there.</summary>
public sealed class SlowPhase(string slowPhase, TimeSpan delay) : IConsolidationPhaseHook
{
    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task BeforePhaseAsync(string executionId, string phase, CancellationToken cancellationToken)
    {
        if (phase == slowPhase)
        {
            Reached.TrySetResult();
            await Task.Delay(delay, TimeProvider.System, cancellationToken);
        }
    }
}
