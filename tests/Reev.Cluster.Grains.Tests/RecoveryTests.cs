using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Steps;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Retries, atomic modes and alternates really re-run work (on the embedded provider unless a test says otherwise).</summary>
public sealed class RecoveryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Transient_errors_twice_are_recovered_by_retry_on_the_third_attempt()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit"), faults: "transient@1+2"));

        Assert.Equal(ExecutionStatus.Completed, view.Status);
        var first = view.Steps[0];
        Assert.Equal(StepRunStatus.Succeeded, first.Status);
        Assert.Equal(3, first.Attempts);
        Assert.Contains(view.RecoveryActions, a => a.Step == 1 && a.Strategy == "retry" && a.Succeeded == true);
        Assert.True(view.Passed);
    }

    [Fact]
    public async Task A_finished_step_keeps_its_attempts_but_not_the_command_nor_any_ledger()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output);
        var id = $"exec-{Guid.NewGuid():N}";

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit"), faults: "transient@1+2"), executionId: id);

        Assert.True(view.Passed); // the third attempt started from the second's ledger, and the flow's balances check out
        var json = await host.Database!.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'step' AND grain_key = '{id}:1'");
        using var state = System.Text.Json.JsonDocument.Parse(json);
        var attempts = state.RootElement.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(3, attempts.Count);
        Assert.Equal(2, attempts.Take(2).Count(a => a.GetProperty("status").GetString() != "Succeeded"));
        Assert.Equal("Succeeded", attempts[2].GetProperty("status").GetString());
        // The execution holds the document and the ledgers; the step's stored session holds what it did, once.
        Assert.All(attempts, a => Assert.Equal(0, a.GetProperty("ledger").GetProperty("accounts").GetArrayLength()));
        Assert.True(!state.RootElement.TryGetProperty("command", out var command) || command.ValueKind == System.Text.Json.JsonValueKind.Null, json);
        Assert.DoesNotContain("groundTruth", json, StringComparison.Ordinal);
        Assert.Equal(0, state.RootElement.GetProperty("priorAttempts").GetInt32());

        // What the gateway shows of it is still whole: every attempt, in order, with its calls and outcome.
        var session = (await host.Client.GetGrain<IStepGrain>($"{id}:1").ReadAsync())!;
        Assert.Equal([1, 2, 3], session.Attempts.Select(a => a.Attempt));
        Assert.Equal(StepRunStatus.Succeeded, session.Status);
        Assert.Equal(3, view.Steps[0].Attempts);

        // A Run delivered again (a redelivered message) finds a finished step without its command and changes nothing.
        var document = Flows.Benchmark("200-jup-swap-then-lend-deposit");
        await host.Client.GetGrain<IStepGrain>($"{id}:1").RunAsync(new StepCommand
        {
            ExecutionId = id,
            Request = new Reev.Cluster.Flows.Running.StepRequest(document, 1, Reev.Cluster.Flows.FlowFiles.KeyMap.Empty, Reev.Cluster.Flows.Ledger.LedgerSnapshot.Empty, "noop"),
            Recovery = new RecoveryConfig(),
        });
        var again = (await host.Client.GetGrain<IStepGrain>($"{id}:1").ReadAsync())!;
        Assert.Equal(3, again.Attempts.Count);
        Assert.Null(again.Command);
        Assert.Equal(json, await host.Database!.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'step' AND grain_key = '{id}:1'"));
    }

    [Theory]
    [InlineData(AtomicMode.Strict, ExecutionStatus.Failed, StepRunStatus.Skipped)]
    [InlineData(AtomicMode.Conditional, ExecutionStatus.Failed, StepRunStatus.Skipped)]
    [InlineData(AtomicMode.Lenient, ExecutionStatus.Completed, StepRunStatus.Succeeded)]
    public async Task A_permanent_error_in_a_critical_step(AtomicMode mode, ExecutionStatus expected, StepRunStatus second)
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        // 5 SOL from a 1 SOL wallet: insufficient funds, never retried.
        var view = await host.RunAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("5", "0.1")), mode));

        Assert.Equal(expected, view.Status);
        Assert.Equal(StepRunStatus.Failed, view.Steps[0].Status);
        Assert.Equal(1, view.Steps[0].Attempts);
        Assert.Equal("InsufficientFunds", view.Steps[0].ErrorKind);
        Assert.Equal(second, view.Steps[1].Status);
        var recipient = Assert.Single(view.Accounts, a => a.Placeholder == "RECIPIENT_WALLET_PUBKEY");
        Assert.Equal(second == StepRunStatus.Succeeded ? 100000000UL : 0UL, recipient.Lamports);
    }

    [Theory]
    [InlineData(AtomicMode.Strict, ExecutionStatus.Failed)]
    [InlineData(AtomicMode.Conditional, ExecutionStatus.Completed)]
    public async Task A_failed_non_critical_step_fails_the_flow_only_in_strict_mode(AtomicMode mode, ExecutionStatus expected)
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Inline(TransferFlows.TwoTransfers("0.1", "5", secondCritical: false)), mode));

        Assert.Equal(expected, view.Status);
        Assert.Equal(StepRunStatus.Succeeded, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Failed, view.Steps[1].Status);
    }

    [Fact]
    public async Task An_alternate_that_fails_with_another_error_gets_the_alternates_of_that_error()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = new RecoveryConfig { InTurnRetries = 0, MaxRecoveryTimeMs = 1, EnableAlternativeFlows = true };

        // Attempt 1: a transient error, so a fresh attempt; attempt 2 (the fresh attempt): slippage, so a reduced amount.
        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("100-jup-swap-sol-usdc"), faults: "transient@1, slippage@2", recovery: recovery));

        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Recovered, step.Status);
        Assert.Equal(AlternateKind.ReducedAmount, step.Alternate);
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail.Contains("FreshAttempt", StringComparison.Ordinal));
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail.Contains("ReducedAmount", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_slippage_error_is_recovered_by_a_reduced_amount_alternate_that_really_executes()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("100-jup-swap-sol-usdc"), faults: "slippage@1"));

        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Recovered, step.Status);
        Assert.Equal(AlternateKind.ReducedAmount, step.Alternate);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Succeeded == true);
        var session = await host.Client.GetGrain<IStepGrain>(step.SessionKey!).ReadAsync();
        Assert.NotNull(session);
        var swap = Assert.Single(session.Attempts.SelectMany(a => a.ToolCalls), c => c.ToolName == "jupiter_swap" && c.Success);
        Assert.Contains("50000000", swap.ArgumentsJson, StringComparison.Ordinal); // half of the 0.1 SOL asked for
        var wallet = Assert.Single(view.Accounts, a => a.Placeholder == "USER_WALLET_PUBKEY");
        Assert.True(wallet.InitialLamports - wallet.Lamports < 60000000UL, "the ledger shows the smaller swap, not the full one");
        var metrics = await host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ReadMetricsAsync();
        Assert.True(metrics.RecoveriesByStrategy.GetValueOrDefault("alternate_flow") >= 1);
        await Eventually.HoldsAsync(
            async () => (await host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ReadMetricsAsync()).Playbook
                .Any(p => p.ErrorKind == "SlippageExceeded" && p.Alternate == AlternateKind.ReducedAmount && p.Successes == 1),
            TimeSpan.FromSeconds(10),
            "the consolidation feeds the alternate's success into the playbook");
    }

    [Fact]
    public async Task A_step_that_keeps_failing_after_backoff_retries_and_its_alternate_ends_the_flow()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = new RecoveryConfig { InTurnRetries = 0, BaseRetryDelayMs = 50, MaxRetryDelayMs = 100, MaxRecoveryTimeMs = 400 };

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer"), faults: "transient=1", recovery: recovery), TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionStatus.Failed, view.Status);
        var step = view.Steps[0];
        Assert.Equal(StepRunStatus.Failed, step.Status);
        Assert.Equal("Transient", step.ErrorKind);
        Assert.True(step.Attempts >= 3, $"attempts {step.Attempts}: the first, at least one backoff retry, and the fresh-attempt alternate");
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "retry" && a.Succeeded == false);
        Assert.Contains(view.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail.Contains("FreshAttempt", StringComparison.Ordinal) && a.Succeeded == false);
        var events = await host.Client.GetGrain<IExecutionGrain>(view.ExecutionId).ReadEventsAsync(0, 1000);
        Assert.True(events.Count(e => e.Type == "step_retrying") >= 2, "every backoff retry is an event");
    }

    [Fact]
    public async Task A_venue_outage_is_recovered_on_the_second_venue()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);

        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("100-jup-swap-sol-usdc"), faults: "venue@1"));

        Assert.Equal(StepRunStatus.Recovered, view.Steps[0].Status);
        Assert.Equal(AlternateKind.SecondVenue, view.Steps[0].Alternate);
        Assert.Equal(ExecutionStatus.Completed, view.Status);
    }

    [Fact]
    public async Task Cancelling_a_waiting_flow_stops_it_and_records_who_and_why()
    {
        // Under a clock the test moves (and does not move here), the step's backoff retry cannot come before the cancel.
        var clock = new FakeTimeProvider();
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, clock: clock);
        var memory = host.Memory!;
        var id = $"cancel-{Guid.NewGuid():N}";
        var grain = host.Client.GetGrain<IExecutionGrain>(id);

        // Every attempt fails transiently; a backoff reminder of 2 s keeps the step waiting.
        await grain.StartAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit"), faults: "transient=1",
            recovery: new RecoveryConfig { BaseRetryDelayMs = 2000, MaxRetryDelayMs = 2000, MaxRecoveryTimeMs = 30000, InTurnRetries = 0 }));
        ExecutionView? waiting = null;
        await Eventually.HoldsAsync(
            async () => (waiting = await grain.ReadAsync())?.Steps[0].Status == StepRunStatus.WaitingRetry, TimeSpan.FromSeconds(10), "step 1 waits for a retry");
        var sessionKey = waiting!.Steps[0].SessionKey!;
        await Eventually.HoldsAsync(() => memory.ReminderDueAt("step", sessionKey, StepGrain.RetryReminder) is not null,
            TimeSpan.FromSeconds(10), $"step {sessionKey} registers its retry reminder");
        await grain.CancelAsync(new CancelRequest("alice", "changed my mind"));
        var view = await host.WaitFinalAsync(id);

        Assert.Equal(ExecutionStatus.Cancelled, view.Status);
        Assert.Equal("alice", view.CancelledBy);
        Assert.Equal("changed my mind", view.CancelReason);
        Assert.Equal(StepRunStatus.Cancelled, view.Steps[0].Status);
        Assert.Equal(StepRunStatus.Skipped, view.Steps[1].Status);
        var events = await grain.ReadEventsAsync(0, 1000);
        Assert.Equal(events.Single(e => e.Type == "cancelled").Sequence + 2, events.Single(e => e.Type == "final").Sequence); // cancelled, flow_finished, final
        var step = host.Client.GetGrain<IStepGrain>(sessionKey);
        StepSession? session = null;
        await Eventually.HoldsAsync(async () => (session = await step.ReadAsync())?.Status == StepRunStatus.Cancelled,
            TimeSpan.FromSeconds(10), $"step {sessionKey} is told of the cancellation");
        // No retry runs after the cancellation, however late: its reminder went with it.
        var left = memory.ReminderDueAt("step", sessionKey, StepGrain.RetryReminder);
        Assert.True(left is null, $"step {sessionKey}: its retry reminder is still due at {left:O} after the cancellation");
        Assert.Single(session!.Attempts);
    }

    [Fact]
    public async Task A_flow_with_an_unknown_agent_or_a_zero_budget_is_refused_before_anything_runs()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var document = Flows.Benchmark("001-sol-transfer");

        var unknownAgent = await host.RunAsync(Flows.Request(document) with { Agent = "gpt-17" });
        var zeroBudget = await host.RunAsync(Flows.Request(document, recovery: new RecoveryConfig { MaxRecoveryTimeMs = 0 }));

        Assert.Equal(ExecutionStatus.Failed, unknownAgent.Status);
        Assert.Contains("agent: unknown agent 'gpt-17'", unknownAgent.Error, StringComparison.Ordinal);
        Assert.All(unknownAgent.Steps, s => Assert.Equal(StepRunStatus.Skipped, s.Status));
        Assert.Equal(ExecutionStatus.Failed, zeroBudget.Status);
        Assert.Contains("max_recovery_time_ms", zeroBudget.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_impossible_atomic_mode_or_a_negative_step_timeout_is_refused_naming_the_field()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var negativeYaml = TransferFlows.TwoTransfers("0.1", "0.1").Replace("critical: true\n  - step: 2", "critical: true\n    timeout: -5\n  - step: 2", StringComparison.Ordinal);
        var parsed = Reev.Cluster.Flows.FlowFiles.FlowFileLoader.Parse(negativeYaml, "negative.yml");
        var valid = Flows.Inline(TransferFlows.TwoTransfers("0.1", "0.1"));
        var built = valid with { Flow = new(System.Collections.Immutable.ImmutableArray.Create(valid.Flow[0] with { TimeoutSeconds = -5 }, valid.Flow[1])) };

        var badMode = await host.RunAsync(Flows.Request(Flows.Benchmark("001-sol-transfer"), (AtomicMode)42));
        var badTimeout = await host.RunAsync(Flows.Request(built));

        Assert.False(parsed.IsSuccess); // a file with it never loads: the error names file, line and field
        Assert.Contains("negative.yml:17", parsed.Error!.ToString(), StringComparison.Ordinal);
        Assert.Contains("flow[0].timeout", parsed.Error!.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, badMode.Status);
        Assert.Contains("atomic_mode", badMode.Error, StringComparison.Ordinal);
        Assert.Equal(ExecutionStatus.Failed, badTimeout.Status);
        Assert.Contains("flow[0].timeout", badTimeout.Error, StringComparison.Ordinal);
        Assert.All(badTimeout.Steps, s => Assert.Equal(StepRunStatus.Skipped, s.Status));
    }
}
