using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.ReadModels;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// A step whose later tool call fails transiently is retried; the calls that had succeeded (a swap already on the
/// ledger) are replayed from the step's journal, not executed again.
/// </summary>
public sealed class ToolJournalTests(ITestOutputHelper output)
{
    private const string Faults = "transient=0.5";

    [Fact]
    public async Task A_retried_step_does_not_run_again_the_swap_its_failed_attempt_already_made()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var seed = SeedWhereOnlyTheSecondCallOfTheFirstAttemptFails();
        var document = Flows.Benchmark("300-jup-swap-then-lend-deposit-dyn");
        var recovery = new RecoveryConfig { InTurnRetries = 2, InTurnRetryDelayMs = 1, MaxRecoveryTimeMs = 5000 };

        var view = await host.RunAsync(Flows.Request(document, faults: Faults, recovery: recovery, seed: seed) with { Agent = "deterministic" });

        var step = view.Steps[0];
        Assert.Equal(2, step.Attempts);
        var row = Assert.Single(host.Memory!.ReadRows<StepSessionRow>(StepSessionRow.TableName), r => r.ExecutionId == view.ExecutionId);
        var session = await host.Client.GetGrain<IStepGrain>(row.SessionId).ReadAsync();
        var calls = session!.Attempts.SelectMany(a => a.ToolCalls).ToList();
        Assert.Contains(calls, c => !c.Success && c.Error!.Kind == FlowErrorKind.Transient);
        var swaps = calls.Where(c => c.ToolName == ToolNames.JupiterSwap && c.Success).ToList();
        Assert.Equal(2, swaps.Count); // one per attempt: made by the first, replayed in the second
        Assert.Equal(1, swaps.Count(c => !c.Replayed));
        var events = await host.Client.GetGrain<IExecutionGrain>(view.ExecutionId).ReadEventsAsync(0, 1000);
        var swapEvent = Assert.Single(events, e => e.Type == "tool_called" && e.Data?.GetValueOrDefault("tool") == ToolNames.JupiterSwap);
        Assert.Equal("true", swapEvent.Data!["replayed"]); // the execution sees the deciding attempt's calls: the swap replayed
        Assert.All(events.Where(e => e.Type == "tool_called" && e != swapEvent), e => Assert.False(e.Data!.ContainsKey("replayed")));
        Assert.Equal(swaps[0].Signatures, swaps[1].Signatures);
        var swapSignature = Assert.Single(swaps[0].Signatures);
        Assert.Contains(session.Attempts[^1].Transactions, t => t.Signature == swapSignature && t.Status == TransactionStatus.Success); // scored with the step
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.True(view.Passed, $"score {view.Score}");
        // Half of the 4 SOL was swapped once: a second swap would have spent the other half.
        var wallet = Assert.Single(view.Accounts, a => a.Placeholder == "USER_WALLET_PUBKEY");
        Assert.InRange(wallet.Lamports, 1_900_000_000UL, 2_100_000_000UL);
    }

    [Fact]
    public async Task A_step_run_again_by_the_execution_replays_the_swap_of_its_failed_session()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var seed = SeedWhereOnlyTheSecondCallOfTheFirstAttemptFails();
        var document = Flows.Benchmark("300-jup-swap-then-lend-deposit-dyn");
        // No retry in the step grain: its one attempt fails, and the execution runs the step again as an alternate.
        var recovery = new RecoveryConfig { InTurnRetries = 0, MaxRecoveryTimeMs = 1, EnableAlternativeFlows = true };

        var view = await host.RunAsync(Flows.Request(document, faults: Faults, recovery: recovery, seed: seed) with { Agent = "deterministic" });

        var rows = host.Memory!.ReadRows<StepSessionRow>(StepSessionRow.TableName).Where(r => r.ExecutionId == view.ExecutionId).ToList();
        Assert.True(rows.Count >= 2, $"sessions: {rows.Count}");
        var calls = new List<ToolCallRecord>();
        foreach (var row in rows)
        {
            calls.AddRange((await host.Client.GetGrain<IStepGrain>(row.SessionId).ReadAsync())!.Attempts.SelectMany(a => a.ToolCalls));
        }

        var swaps = calls.Where(c => c.ToolName == ToolNames.JupiterSwap && c.Success).ToList();
        Assert.Equal(1, swaps.Count(c => !c.Replayed));
        Assert.Contains(swaps, c => c.Replayed);
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        Assert.Equal(StepRunStatus.Recovered, view.Steps[0].Status);
        var wallet = Assert.Single(view.Accounts, a => a.Placeholder == "USER_WALLET_PUBKEY");
        Assert.InRange(wallet.Lamports, 1_900_000_000UL, 2_100_000_000UL);
    }

    /// <summary>A seed whose first attempt's first call passes and second call faults, and whose second attempt does not fault.</summary>
    private static int SeedWhereOnlyTheSecondCallOfTheFirstAttemptFails()
    {
        var spec = FaultSpec.Parse(Faults).Spec!;
        for (var seed = 1; seed < 10_000; seed++)
        {
            var first = new FaultInjector(spec, seed, 1, 1);
            var second = new FaultInjector(spec, seed, 1, 2);
            if (!first.Fires(FaultKind.Transient, 0) && first.Fires(FaultKind.Transient, 1)
                && Enumerable.Range(0, 6).All(i => !second.Fires(FaultKind.Transient, i)))
            {
                return seed;
            }
        }

        throw new InvalidOperationException("no seed found");
    }
}
