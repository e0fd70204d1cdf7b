using Microsoft.Extensions.DependencyInjection;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Consolidation;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// What an execution and its grains do when something they wait for does not come in time: the execution's watchdog and
/// a step's time bound, on the embedded provider under a clock the test moves (the flow library's own step timeout stays
/// on the real clock, a minute away).
/// </summary>
public sealed class TimeoutTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Watchdog_QuestionReminderLost_AppliesTheDefaultAnswerAndTheFlowGoesOn()
    {
        var clock = new FakeTimeProvider();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, clock: clock,
            services: s => s.AddSingleton(new ExecutionWatchdogOptions { Margin = Margin }));
        var memory = host.Memory!;
        var id = $"lost-question-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        // 5 SOL from a 1 SOL wallet: step 1 fails for good and its user is asked. Lenient: a skipped step 1 lets step 2 run.
        await grain.StartAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), AtomicMode.Lenient,
            recovery: ConsolidationAndFulfillmentTests.AskTheUser with { UserFulfillmentTimeoutMs = 60000, DefaultAnswer = FulfillmentAnswer.Skip }));
        var question = (await ConsolidationAndFulfillmentTests.WaitForQuestionAsync(grain)).Question!;
        // The question's reminder is lost (its message dead-lettered): only the watchdog can answer for the user now.
        Assert.True(memory.RemoveReminder("execution", id, ExecutionGrain.FulfillmentReminder), "the question registered its reminder");
        await GrainHost.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(2),
            async () => (await grain.ReadAsync())!.Status != ExecutionStatus.AwaitingUser,
            "the watchdog answers the question whose reminder was lost");
        var answeredAt = clock.GetUtcNow();
        var view = await host.WaitFinalAsync(id, Patience);

        Assert.True(answeredAt > question.DeadlineAt + Margin, $"answered at {answeredAt:O}: not before the deadline {question.DeadlineAt:O} and the margin");
        var events = await grain.ReadEventsAsync(0, 1000);
        var timedOut = Assert.Single(events, e => e.Type == "answer_timed_out");
        Assert.Equal(1, timedOut.Step);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "user_fulfillment" && a.Detail == "default: Skip" && a.Succeeded == false);
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Succeeded, view.Steps[1].Status); // the flow went on after the default answer
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(100000000UL, Assert.Single(view.Accounts, a => a.Placeholder == "RECIPIENT_WALLET_PUBKEY").Lamports);
        Assert.Null(memory.ReminderDueAt("execution", id, ExecutionGrain.WatchdogReminder)); // a final execution stops watching
    }

    [Fact]
    public async Task StepAttempt_PastItsTimeBound_IsCancelledAndTheRetryDecidesTheStep()
    {
        var clock = new FakeTimeProvider();
        var agent = new StallingAgent();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, clock: clock,
            services: s => s.AddSingleton<IFlowAgent>(agent));
        var id = $"past-bound-{Guid.NewGuid():N}";
        var recovery = new RecoveryConfig { InTurnRetries = 0, BaseRetryDelayMs = 500, MaxRetryDelayMs = 500, MaxRecoveryTimeMs = 10000, EnableAlternativeFlows = false };

        // The step's bound is its timeout (1 s) plus 1 s on the silo's clock; the agent of its first attempt never answers in time.
        await host.Client.GetGrain<IExecutionGrain>(id).StartAsync(
            Flows.Request(Flows.Benchmark("001-sol-transfer"), recovery: recovery) with { Agent = "stalls", DefaultStepTimeoutMs = 1000 });
        await agent.Entered.Task.WaitAsync(Patience);
        await GrainHost.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(500), () => Task.FromResult(agent.Cancelled.Task.IsCompleted),
            "the attempt past its bound is cancelled, not left running beside the retry");
        var late = await agent.LateRun.Task.WaitAsync(Patience);
        ExecutionView? view = null;
        await GrainHost.AdvanceUntilAsync(clock, TimeSpan.FromMilliseconds(500),
            async () => (view = await host.Client.GetGrain<IExecutionGrain>(id).ReadAsync()) is { IsFinal: true },
            "the backoff retry runs and the flow ends");

        Assert.Equal(ExecutionStatus.Completed, view!.Status);
        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Succeeded, step.Status);
        Assert.Equal(2, step.Attempts);
        var session = (await host.Client.GetGrain<IStepGrain>(step.SessionKey!).ReadAsync())!;
        Assert.Equal(Reev.Cluster.Flows.Tools.FlowErrorKind.Timeout, session.Attempts[0].Error?.Kind);
        Assert.Empty(session.Attempts[0].ToolCalls); // the abandoned run's late calls are not the attempt's
        Assert.True(session.Attempts[1].Succeeded);
        // The late run did transfer, on the abandoned attempt's own ledger: only the retry's transfer reached the flow.
        Assert.Contains(late.ToolCalls, c => c.ToolName == "sol_transfer" && c.Success);
        Assert.Equal(100000000UL, Assert.Single(view.Accounts, a => a.Placeholder == "RECIPIENT_WALLET_PUBKEY").Lamports);
    }

    [Fact]
    public async Task Watchdog_ConsolidationTimedOut_EndsTheConsolidationGrainAndIgnoresItsLateReport()
    {
        var clock = new FakeTimeProvider();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, clock: clock, services: s =>
        {
            s.AddSingleton(new ExecutionWatchdogOptions { Margin = Margin });
            s.AddSingleton<IConsolidationPhaseHook>(new CrashingPhase("gather")); // the phases' message ends as a dead letter
        });
        var memory = host.Memory!;
        var id = $"consolidation-watchdog-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);
        var consolidation = host.Client.GetGrain<IConsolidationGrain>(id);

        await grain.StartAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")) with { ConsolidationTimeoutMs = 20000 });
        await Eventually.HoldsAsync(() => memory.ReminderDueAt("consolidation", id, ConsolidationGrain.TimeoutReminder) is not null,
            Patience, "the consolidation registers its timeout reminder");
        // Its reminder comes late (as after a slow takeover of its partition): the execution's watchdog gives up first.
        var due = memory.ReminderDueAt("consolidation", id, ConsolidationGrain.TimeoutReminder)!.Value;
        Assert.True(memory.PostponeReminder("consolidation", id, ConsolidationGrain.TimeoutReminder, due.AddHours(1)));
        await GrainHost.AdvanceUntilAsync(clock, TimeSpan.FromSeconds(2), async () => (await grain.ReadAsync())!.IsFinal,
            "the watchdog times the consolidation out");
        var view = (await grain.ReadAsync())!;

        Assert.Equal(ExecutionStatus.Completed, view.Status); // the steps' outcome
        Assert.Equal(ConsolidationStatus.TimedOut, view.Consolidation!.Status);
        Assert.StartsWith("no answer from the consolidation", view.Consolidation.Error, StringComparison.Ordinal);
        // The consolidation grain is told: it ends as the execution recorded it, its reminder removed, its row timed out.
        ConsolidationView? ended = null;
        await Eventually.HoldsAsync(async () => (ended = await consolidation.ReadAsync())?.Status == ConsolidationStatus.TimedOut,
            Patience, $"consolidation {id} ends as timed out when the watchdog gives up on it");
        Assert.Equal(view.Consolidation.Error, ended!.Error);
        Assert.Equal(0, ended.AvgScore);
        Assert.Empty(ended.PhasesCompleted);
        Assert.Empty(memory.ReminderNames("consolidation", id));
        var row = memory.ReadRow<ConsolidatedSessionRow>(ConsolidatedSessionRow.TableName, id);
        Assert.Equal("timed_out", row?.Status);

        // A report that still comes (from a consolidation that ran on somewhere) changes nothing.
        var before = await grain.ReadEventsAsync(0, 1000);
        await grain.ConsolidationFinishedAsync(ended with { Status = ConsolidationStatus.Completed, Error = null, AvgScore = 1 });
        var after = (await grain.ReadAsync())!;
        Assert.Equal(ConsolidationStatus.TimedOut, after.Consolidation!.Status);
        Assert.Equal(view.Version, after.Version);
        Assert.Equal(before.Count, (await grain.ReadEventsAsync(0, 1000)).Count);
    }

    [Fact]
    public async Task ConsolidationCancel_BeforeItsCommand_TheLateCommandNeverStarts()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var memory = host.Memory!;
        var id = $"consolidation-cancelled-{Guid.NewGuid():N}";
        var consolidation = host.Client.GetGrain<IConsolidationGrain>(id);
        var session = new SessionSummary(StepKeys.For(id, 1), 1, AlternateKind.None, StepRunStatus.Succeeded, ["sol_transfer"], 1, 10, null, "send");

        // The watchdog gave up on a consolidation whose command was lost; the command arrives after all.
        await consolidation.CancelAsync("no answer from the consolidation within 70 s");
        await consolidation.ConsolidateAsync(new ConsolidationCommand(id, "001-sol-transfer", ExecutionStatus.Completed, [session], [], [], 10000, 5));

        Assert.Null(await consolidation.ReadAsync()); // never started: no phases, no report into the final execution
        Assert.Empty(memory.ReminderNames("consolidation", id));
        Assert.Null(memory.ReadRow<ConsolidatedSessionRow>(ConsolidatedSessionRow.TableName, id));
    }
}
