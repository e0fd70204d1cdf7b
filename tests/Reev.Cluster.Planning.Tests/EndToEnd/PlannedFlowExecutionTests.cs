using System.Text.Json;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.EndToEnd;

/// <summary>
/// Planned flows run on the simulated ledger through the Flows library's step and flow runners with the
/// deterministic agent: every step prompt the planner writes must be solvable, with the planned tool and amount.
/// </summary>
public sealed class PlannedFlowExecutionTests
{
    private const string Recipient = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    private readonly PlannerFixture _fixture = new();
    private readonly FlowRunner _runner = new(new StepRunner(AgentRegistry.CreateDefault()));

    public static TheoryData<string> Prompts => new()
    {
        "swap 0.1 SOL to USDC",
        "Swap 0.1 sol to usdc",
        "use 50% of my SOL to buy USDC",
        "swap 1 SOL to USDC then lend it",
        "send 0.5 SOL to " + Recipient,
        "send 15 USDC to " + Recipient,
        "lend 50 USDC",
        "deposit 0.1 SOL into jupiter lending",
        "mint 20 USDC into jUSDC",
        "withdraw 10 USDC from jupiter",
        "redeem all jUSDC",
        "swap 1 SOL to USDC and then deposit what I received, after that withdraw 20 USDC",
        "use my SOL to multiply usdc 1.5x",
        "check my balances",
        "check my positions and earnings",
        "swap all my USDC to SOL",
    };

    [Theory]
    [MemberData(nameof(Prompts))]
    public async Task RunAsync_BridgeDocumentWithDeterministicAgent_EveryStepSucceedsWithThePlannedToolAndAmount(string prompt)
    {
        var flow = await _fixture.PlanFlowAsync(prompt, PortfolioLedger(), PlanningMode.Bridge);

        var run = await _runner.RunAsync(flow.Document, new FlowRunOptions(Seed: 11), CancellationToken.None);

        Assert.True(run.IsSuccess, run.Error?.ToString());
        var report = run.Report;
        Assert.Equal(flow.Plan.Steps.Count, report.Steps.Count);
        var received = new Dictionary<int, IReadOnlyDictionary<string, ulong>>();
        foreach (var (planned, outcome) in flow.Plan.Steps.Zip(report.Steps))
        {
            Assert.True(outcome.Succeeded, $"step {planned.Index} ({planned.Id}) failed: {outcome.Error?.Kind} {outcome.Error?.Message}\nprompt: {planned.Prompt}\nagent: {outcome.AgentText}");
            var call = Assert.Single(outcome.ToolCalls, c => c.Success);
            Assert.Equal(planned.Tool, call.ToolName);
            var expected = planned.ResolveArguments(report.KeyMap, received, SimulatedLedger.FromSnapshot(LedgerBefore(report, planned.Index)));
            Assert.True(expected.IsSuccess, expected.Error);
            if (expected.Amount is { } amount)
            {
                Assert.Equal(amount, AmountOf(call, planned.AmountArgumentName));
            }

            received[planned.Index] = outcome.Received;
        }

        Assert.True(report.Score.Assertions.Score >= 1.0, $"assertions: {string.Join("; ", report.Score.Assertions.Results)}");
    }

    [Fact]
    public async Task RunAsync_SwapThenLendIt_DepositsExactlyWhatTheSwapReceived()
    {
        var flow = await _fixture.PlanFlowAsync("swap 1 SOL to USDC then lend it", _fixture.SolWallet(5m), PlanningMode.Direct);

        var run = await _runner.RunAsync(flow.Document, new FlowRunOptions(Seed: 3), CancellationToken.None);

        Assert.True(run.IsSuccess, run.Error?.ToString());
        var swapStep = flow.Plan.ActionSteps[0];
        var depositStep = flow.Plan.ActionSteps[1];
        var swap = Assert.Single(run.Report.Steps[swapStep.Index - 1].ToolCalls);
        var deposit = Assert.Single(run.Report.Steps[depositStep.Index - 1].ToolCalls);
        var swapOutput = JsonDocument.Parse(swap.ResultJson!).RootElement.GetProperty("out_amount").GetUInt64();
        Assert.True(swapOutput > 0);
        Assert.Equal(ToolNames.JupiterLendEarnDeposit, deposit.ToolName);
        Assert.Equal(swapOutput, AmountOf(deposit, "amount"));
        var resolved = depositStep.ResolveArguments(run.Report.KeyMap, new Dictionary<int, IReadOnlyDictionary<string, ulong>> { [swapStep.Index] = run.Report.Steps[swapStep.Index - 1].Received });
        Assert.Equal(swapOutput, resolved.Amount);
    }

    [Fact]
    public async Task StepRunner_DirectModeOnTheWalletsOwnLedger_RunsWithTheDirectKeyMap()
    {
        var ledger = _fixture.SolWallet(5m);
        var flow = await _fixture.PlanFlowAsync("swap 1 SOL to USDC then lend it", ledger, PlanningMode.Direct);
        var steps = new StepRunner(AgentRegistry.CreateDefault());
        var state = ledger;
        var received = new Dictionary<string, ulong>(StringComparer.Ordinal);

        foreach (var step in flow.Plan.Steps)
        {
            var outcome = await steps.RunAsync(new StepRequest(flow.Document, step.Index, flow.DirectKeyMap, state, DeterministicAgent.AgentName, PreviousReceived: received), CancellationToken.None);
            Assert.True(outcome.Succeeded, $"step {step.Index}: {outcome.Error?.Message}");
            state = outcome.Ledger;
            foreach (var (mint, amount) in outcome.Received)
            {
                received[mint] = received.GetValueOrDefault(mint) + amount;
            }
        }

        var wallet = _fixture.Wallet;
        Assert.Equal(0UL, SimulatedLedger.FromSnapshot(state).TokenBalanceOf(wallet, TokenCatalog.UsdcMint));
        Assert.True(SimulatedLedger.FromSnapshot(state).TokenBalanceOf(wallet, TokenCatalog.JlUsdcMint) > 0);
        Assert.True(state.LamportsOf(wallet) < 4 * Wallets.LamportsPerSol);
    }

    private LedgerSnapshot PortfolioLedger()
    {
        var ledger = SimulatedLedger.FromSnapshot(_fixture.SolWallet(5m, (TokenCatalog.UsdcMint, 100_000_000)));
        ledger.SeedLendingShares(_fixture.Wallet, TokenCatalog.JlUsdcMint, 50_000_000);
        return ledger.ToSnapshot();
    }

    private static LedgerSnapshot LedgerBefore(FlowRunReport report, int step) => step == 1 ? report.InitialLedger : report.Steps[step - 2].Ledger;

    private static ulong AmountOf(ToolCallRecord call, string name) =>
        JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty(name).GetUInt64();
}
