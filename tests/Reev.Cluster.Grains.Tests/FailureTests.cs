using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Consolidation;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Executions survive the death of the silos that run them (PostgreSQL, several silos).</summary>
[Collection(GrainFailureCollection.Name)]
public sealed class FailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_execution_whose_step_message_is_dead_lettered_is_moved_on_by_its_watchdog()
    {
        // Step 1's prompt holds NUL: its step session row is refused by PostgreSQL at every attempt, so the step grain's
        // Run message ends as a dead letter and no report ever reaches the execution. Without the watchdog the execution
        // would stay "running" for ever.
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output,
            services: s => s.AddSingleton(new Executions.ExecutionWatchdogOptions { Margin = TimeSpan.FromSeconds(1) }));
        var document = Reev.Cluster.Flows.FlowFiles.SyntheticFlows.BalanceChecks(2, "stalled");
        document = document with { Flow = [document.Flow[0] with { Prompt = "Check my\0 SOL balance." }, document.Flow[1]] };
        var id = $"stalled-{Guid.NewGuid():N}";
        var request = Flows.Request(document, AtomicMode.Lenient, recovery: new RecoveryConfig { InTurnRetries = 0, MaxRecoveryTimeMs = 100, EnableAlternativeFlows = false })
            with { Agent = "noop", DefaultStepTimeoutMs = 1000 };

        await host.Client.GetGrain<IExecutionGrain>(id).StartAsync(request);
        var view = await host.WaitFinalAsync(id, Patience);

        var dead = await host.Cluster.Silos[0].GetDeadLettersAsync(100, default);
        Assert.Contains(dead, d => d.GrainType == "step" && d.GrainKey.StartsWith(id, StringComparison.Ordinal) && d.Error.Contains("refused the writes", StringComparison.Ordinal));
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal("Stalled", view.Steps[0].ErrorKind);
        Assert.Equal(StepRunStatus.Succeeded, view.Steps[1].Status); // lenient: the flow went on
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "watchdog");

        // The watchdog also cancels the step grain itself, so that a Run delivered later cannot start it.
        var stepKey = view.Steps[0].SessionKey!;
        await Reev.Cluster.TestKit.Eventually.HoldsAsync(
            async () => await host.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_grain_state WHERE grain_type = 'step' AND grain_key = '{stepKey}'") == 1
                && JsonDocument.Parse(await host.Database!.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'step' AND grain_key = '{stepKey}'"))
                    .RootElement.GetProperty("status").GetString() == "Cancelled",
            Patience,
            "the stalled step's grain is cancelled");
        await host.Client.GetGrain<IStepGrain>(stepKey).RunAsync(new StepCommand
        {
            ExecutionId = id,
            Request = new Reev.Cluster.Flows.Running.StepRequest(document, 1, Reev.Cluster.Flows.FlowFiles.KeyMap.Empty, Reev.Cluster.Flows.Ledger.LedgerSnapshot.Empty, "noop"),
            Recovery = request.Recovery,
        });
        Assert.Null(await host.Client.GetGrain<IStepGrain>(stepKey).ReadAsync()); // the late Run did not start it
    }

    [Fact]
    public async Task Killing_the_execution_silo_between_step_1_and_step_2_completes_the_flow_with_step_1_run_once()
    {
        var gate = new Gate(holdStep: 2);
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 3,
            services: s => s.AddSingleton<IFlowAgent>(new GatedAgent(gate)));
        await host.Cluster.WaitForBalanceAsync(Patience);
        var silos = host.Cluster.Silos;
        var victim = silos[0];
        var id = await KeyOwnedByAsync<IExecutionGrain>(victim, "kill-between");
        var document = Flows.Benchmark("200-jup-swap-then-lend-deposit");
        var client = silos[1].GrainFactory;

        await client.GetGrain<IExecutionGrain>(id).StartAsync(Flows.Request(document) with { Agent = "gated" });
        await gate.Entered.WaitAsync(Patience); // step 1 is done and reported; step 2 has started

        // The execution's stored state leaves out what it was started with; that was stored once, beside it (ADR 0022).
        var stored = JsonDocument.Parse(await host.Database!.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'execution' AND grain_key = '{id}'")).RootElement;
        Assert.True(stored.GetProperty("inputsStored").GetBoolean());
        Assert.False(stored.TryGetProperty("request", out _));
        Assert.False(stored.TryGetProperty("initialLedger", out _));
        Assert.False(stored.TryGetProperty("keyMap", out _));
        Assert.Contains("\"groundTruth\"", await host.Database!.ScalarAsync<string>($"SELECT inputs FROM reev_execution_inputs WHERE execution_id = '{id}'"), StringComparison.Ordinal);

        await host.Cluster.KillSiloAsync(victim);
        await host.Cluster.StartSiloAsync();
        gate.Release();
        var view = await host.WaitFinalAsync(id, Patience); // activated on another silo, from storage: the inputs read back

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(document.Id, view.FlowId);
        Assert.True(view.Passed); // scored against the document's ground truth and the initial ledger it read back
        var step1 = await client.GetGrain<IStepGrain>(view.Steps[0].SessionKey!).ReadAsync();
        var swaps = step1!.Attempts.SelectMany(a => a.ToolCalls).Count(c => c.ToolName == "jupiter_swap" && c.Success);
        Assert.Equal(1, swaps);
        Assert.Single(step1.Attempts);
        var expected = (await new FlowRunner(new StepRunner(AgentRegistry.CreateDefault())).RunAsync(document, new FlowRunOptions(Seed: 7), default)).Report!;
        foreach (var balance in expected.Balances)
        {
            var account = Assert.Single(view.Accounts, a => a.Placeholder == balance.Placeholder);
            Assert.Equal(balance.FinalLamports, account.Lamports); // one swap's worth of SOL left the wallet, not two
            Assert.Equal(balance.FinalTokenAmount, account.Amount);
        }
    }

    [Fact]
    public async Task A_retry_waiting_on_a_reminder_happens_after_the_step_silo_is_killed()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 2);
        await host.Cluster.WaitForBalanceAsync(Patience);
        var victim = host.Cluster.Silos[0];
        var survivor = host.Cluster.Silos[1];
        var id = await KeyOwnedByAsync<IStepGrain>(victim, "kill-retry", key => StepKeys.For(key, 1));
        var recovery = new RecoveryConfig { InTurnRetries = 0, BaseRetryDelayMs = 3000, MaxRetryDelayMs = 3000, MaxRecoveryTimeMs = 20000 };

        await survivor.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(
            Flows.Request(Flows.Benchmark("001-sol-transfer"), faults: "transient@1", recovery: recovery));
        await Eventually.HoldsAsync(
            async () => (await survivor.GrainFactory.GetGrain<IExecutionGrain>(id).ReadAsync())?.Steps[0].Status == StepRunStatus.WaitingRetry,
            Patience,
            "step 1 waits for its retry reminder");
        // The waiting step's stored command leaves the flow document to the execution's stored inputs (ADR 0022): the
        // survivor activates it from storage and must put them back before the retry runs.
        var waiting = await host.Database!.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'step' AND grain_key = '{StepKeys.For(id, 1)}'");
        Assert.True(JsonDocument.Parse(waiting).RootElement.GetProperty("command").GetProperty("inputsStored").GetBoolean(), waiting);
        Assert.DoesNotContain("groundTruth", waiting, StringComparison.Ordinal);
        await host.Cluster.KillSiloAsync(victim);
        var view = await host.WaitFinalAsync(id, Patience);

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.True(view.Passed);
        var session = await survivor.GrainFactory.GetGrain<IStepGrain>(StepKeys.For(id, 1)).ReadAsync();
        Assert.Equal(2, session!.Attempts.Count);
        Assert.Equal(1, session.ReminderRetries);
        Assert.Equal(StepRunStatus.Succeeded, session.Status);
    }

    [Fact]
    public async Task A_consolidation_whose_silo_dies_mid_phase_still_ends_by_its_timeout_without_changing_the_outcome()
    {
        var hangs = new HangingPhase("merge");
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 2,
            services: s => s.AddSingleton<IConsolidationPhaseHook>(hangs));
        await host.Cluster.WaitForBalanceAsync(Patience);
        var victim = host.Cluster.Silos[0];
        var survivor = host.Cluster.Silos[1];
        var id = await KeyOwnedByAsync<IConsolidationGrain>(victim, "kill-consolidation");

        await survivor.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")) with { ConsolidationTimeoutMs = 6000 });
        await hangs.Entered.WaitAsync(Patience);
        await host.Cluster.KillSiloAsync(victim);
        var view = await host.WaitFinalAsync(id, Patience);

        Assert.Equal(ExecutionStatus.Completed, view.Status); // the outcome of the steps, not of the consolidation
        Assert.True(view.Passed);
        Assert.Equal(ConsolidationStatus.TimedOut, view.Consolidation!.Status);
        Assert.Equal(0, view.Consolidation.AvgScore);
        Assert.Equal(["gather"], view.Consolidation.PhasesCompleted);
        Assert.Equal(0, await host.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_reminders WHERE grain_type = 'consolidation'"));
        Assert.Equal("timed_out", await host.Database!.ScalarAsync<string>($"SELECT status FROM reev_consolidated_sessions WHERE execution_id = '{id}'"));
        Assert.Equal("completed", await host.Database!.ScalarAsync<string>($"SELECT status FROM reev_executions WHERE execution_id = '{id}'"));
    }

    [Fact]
    public async Task A_consolidation_reminder_still_fires_after_its_silo_is_killed()
    {
        // The phases crash in a way the consolidation cannot catch: the runtime dead-letters its phase
        // message, so only the timeout reminder can end it, and it must do so on another silo.
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 2,
            services: s => s.AddSingleton<IConsolidationPhaseHook>(new CrashingPhase("merge")));
        await host.Cluster.WaitForBalanceAsync(Patience);
        var victim = host.Cluster.Silos[0];
        var survivor = host.Cluster.Silos[1];
        var id = await KeyOwnedByAsync<IConsolidationGrain>(victim, "reminder-after-kill");

        await survivor.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(Flows.Request(Flows.Benchmark("001-sol-transfer")) with { ConsolidationTimeoutMs = 8000 });
        await Eventually.HoldsAsync(
            async () => await host.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_dead_letters WHERE grain_type = 'consolidation' AND grain_key = '{id}'") == 1,
            Patience,
            "the consolidation's phase message is dead-lettered");
        Assert.Equal(1, await host.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_reminders WHERE grain_type = 'consolidation' AND grain_key = '{id}'"));
        await host.Cluster.KillSiloAsync(victim);
        var view = await host.WaitFinalAsync(id, Patience);

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        var consolidation = view.Consolidation!;
        Assert.Equal(ConsolidationStatus.TimedOut, consolidation.Status);
        Assert.Equal("consolidation timed out after 8000 ms", consolidation.Error);
        Assert.True(consolidation.FinishedAt - consolidation.StartedAt >= TimeSpan.FromSeconds(8));
        Assert.True(survivor.Owns<IConsolidationGrain>(id), "the survivor ended it");
        Assert.Equal(0, await host.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_reminders WHERE grain_type = 'consolidation' AND grain_key = '{id}'"));
    }

    [Fact]
    public async Task Read_models_mirror_the_execution_its_step_sessions_and_its_consolidated_session()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit")));

        var db = host.Database!;
        var id = view.ExecutionId;
        Assert.Equal(view.Version, await db.ScalarAsync<long>($"SELECT version FROM reev_executions WHERE execution_id = '{id}'"));
        Assert.Equal("200-jup-swap-then-lend-deposit", await db.ScalarAsync<string>($"SELECT flow_id FROM reev_executions WHERE execution_id = '{id}'"));
        Assert.Equal(view.Score!.FlowScore, await db.ScalarAsync<double>($"SELECT score FROM reev_executions WHERE execution_id = '{id}'"), 6);
        Assert.Equal(2, await db.ScalarAsync<long>($"SELECT count(*) FROM reev_step_sessions WHERE execution_id = '{id}' AND status = 'Succeeded'"));
        var originals = await db.ScalarAsync<string>($"SELECT array_to_json(original_session_ids)::text FROM reev_consolidated_sessions WHERE execution_id = '{id}'");
        Assert.Equal(view.Steps.Select(s => s.SessionKey), JsonSerializer.Deserialize<string[]>(originals)!);
        Assert.Equal(view.Consolidation!.TotalTools, await db.ScalarAsync<int>($"SELECT total_tools FROM reev_consolidated_sessions WHERE execution_id = '{id}'"));
        Assert.Equal(1.0, await db.ScalarAsync<double>($"SELECT success_rate FROM reev_consolidated_sessions WHERE execution_id = '{id}'"));
    }

    /// <summary>
    /// A key whose grain lives on <paramref name="silo"/>. Bounded: a silo that holds no partition (its leases lost on a
    /// starved machine) fails the test by name instead of spinning for ever.
    /// </summary>
    private static async Task<string> KeyOwnedByAsync<TGrain>(Reev.Cluster.Runtime.Silo silo, string prefix, Func<string, string>? grainKey = null)
        where TGrain : Reev.Cluster.Runtime.IGrain
    {
        var started = TimeProvider.System.GetTimestamp();
        for (var i = 0; ; i++)
        {
            var id = $"{prefix}-{i}-{Guid.NewGuid():N}"[..32];
            if (silo.Owns<TGrain>(grainKey?.Invoke(id) ?? id))
            {
                return id;
            }

            if (i % 1024 == 1023)
            {
                if (TimeProvider.System.GetElapsedTime(started) > Patience)
                {
                    throw new TimeoutException($"Silo {silo.SiloId} owned no partition for {Patience.TotalSeconds:0} s (running: {silo.IsRunning}, partitions: {silo.OwnedPartitions.Count}).");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }
        }
    }
}

/// <summary>Hangs one consolidation phase (until the phase's deadline cancels it).</summary>
public sealed class HangingPhase(string failingPhase) : IConsolidationPhaseHook
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;

    public async Task BeforePhaseAsync(string executionId, string phase, CancellationToken cancellationToken)
    {
        if (phase == failingPhase)
        {
            _entered.TrySetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        }
    }
}

/// <summary>Crashes one consolidation phase with an exception the consolidation does not handle.</summary>
public sealed class CrashingPhase(string failingPhase) : IConsolidationPhaseHook
{
    public Task BeforePhaseAsync(string executionId, string phase, CancellationToken cancellationToken) =>
        phase == failingPhase ? throw new OperationCanceledException("the phase's worker vanished") : Task.CompletedTask;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GrainFailureCollection
{
    public const string Name = "grain failure tests";
}
