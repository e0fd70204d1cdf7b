using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Running;

/// <summary>The acceptance runs of issue 3 with the deterministic agent on the simulated ledger.</summary>
public sealed class ReferenceBenchmarkTests
{
    [Fact]
    public async Task Run_001SolTransfer_ScoresOneAndMovesExactLamports()
    {
        var report = await FlowHarness.RunAsync("001-sol-transfer");

        Assert.True(report.Steps[0].Succeeded, FlowHarness.Describe(report));
        Assert.Equal(100_000_000UL, FlowHarness.Lamports(report, "RECIPIENT_WALLET_PUBKEY"));
        Assert.Equal(899_995_000UL, FlowHarness.Lamports(report, "USER_WALLET_PUBKEY"));
        Assert.Equal(1.0, report.Score.InstructionScore);
        Assert.Equal(1.0, report.Score.OnChainScore);
        Assert.Equal(1.0, report.Score.FinalScore);
        Assert.Equal(1.0, report.Score.FlowScore);
        Assert.True(report.Score.Passed);
        Assert.Equal(1.0, report.Score.Assertions.Score);
        var call = Assert.Single(report.Steps[0].ToolCalls);
        Assert.Equal(ToolNames.SolTransfer, call.ToolName);
    }

    [Fact]
    public async Task Run_002SplTransfer_Leaves35And15Usdc()
    {
        var report = await FlowHarness.RunAsync("002-spl-transfer");

        Assert.True(report.Steps[0].Succeeded, FlowHarness.Describe(report));
        Assert.Equal(35_000_000UL, FlowHarness.TokenAmount(report, report.KeyMap.Resolve("USER_USDC_ATA")));
        Assert.Equal(15_000_000UL, FlowHarness.TokenAmount(report, report.KeyMap.Resolve("RECIPIENT_USDC_ATA")));
        Assert.Equal(1.0, report.Score.FinalScore);
        Assert.Equal(1.0, report.Score.Assertions.Score);
        Assert.Equal(ToolNames.SplTransfer, Assert.Single(report.Steps[0].ToolCalls).ToolName);
    }

    [Fact]
    public async Task Run_003SplTransferFail_FailsOnChainKeepsBalancesAndScoresThreeQuarters()
    {
        var report = await FlowHarness.RunAsync("003-spl-transfer-fail");

        var step = report.Steps[0];
        Assert.False(step.Succeeded);
        Assert.Equal(FlowErrorKind.InsufficientFunds, step.Error!.Kind);
        Assert.False(step.Error.Retryable);
        var transaction = Assert.Single(step.Transactions);
        Assert.Equal(TransactionStatus.Failed, transaction.Status);
        Assert.Equal(10_000_000UL, FlowHarness.TokenAmount(report, report.KeyMap.Resolve("USER_USDC_ATA")));
        Assert.Equal(0UL, FlowHarness.TokenAmount(report, report.KeyMap.Resolve("RECIPIENT_USDC_ATA")));
        Assert.Equal(1.0, report.Score.InstructionScore);
        Assert.Equal(0.0, report.Score.OnChainScore);
        Assert.Equal(0.75, report.Score.FinalScore, 12);
        Assert.True(report.Score.Passed);
        Assert.Equal(1.0, report.Score.Assertions.Score);
    }

    [Fact]
    public async Task Run_100JupiterSwap_SwapsAndHoldsAssertions()
    {
        var report = await FlowHarness.RunAsync("100-jup-swap-sol-usdc");

        Assert.True(report.Steps[0].Succeeded, FlowHarness.Describe(report));
        var call = Assert.Single(report.Steps[0].ToolCalls);
        Assert.Equal(ToolNames.JupiterSwap, call.ToolName);
        Assert.Contains("\"amount\":100000000", call.ArgumentsJson, StringComparison.Ordinal);
        var usdc = FlowHarness.TokenAmount(report, report.KeyMap.Resolve("USER_USDC_ATA"))!.Value;
        Assert.InRange(usdc, 14_000_000UL, 15_000_000UL);
        Assert.Equal(2_000_000_000UL - 100_000_000UL - SimulatedLedger.SignatureFee, FlowHarness.Lamports(report, "USER_WALLET_PUBKEY"));
        Assert.Equal(1.0, report.Score.Assertions.Score);
        Assert.All(report.Score.Assertions.Results, r => Assert.True(r.Held, r.Detail));
        Assert.Equal(1.0, report.Score.FinalScore);
    }

    [Theory]
    [InlineData("110-jup-lend-deposit-sol", ToolNames.JupiterLendEarnDeposit)]
    [InlineData("111-jup-lend-deposit-usdc", ToolNames.JupiterLendEarnDeposit)]
    [InlineData("112-jup-lend-withdraw-sol", ToolNames.JupiterLendEarnRedeem)]
    [InlineData("113-jup-lend-withdraw-usdc", ToolNames.JupiterLendEarnRedeem)]
    [InlineData("115-jup-lend-mint-usdc", ToolNames.JupiterLendEarnMint)]
    public async Task Run_LendBenchmark_HoldsEveryAssertion(string id, string tool)
    {
        var report = await FlowHarness.RunAsync(id);

        Assert.True(report.Steps[0].Succeeded, FlowHarness.Describe(report));
        Assert.Equal(tool, Assert.Single(report.Steps[0].ToolCalls).ToolName);
        Assert.All(report.Score.Assertions.Results, r => Assert.True(r.Held, $"{id} assertion {r.Index}: {r.Detail}"));
        Assert.Equal(1.0, report.Score.Assertions.Score);
        Assert.Equal(1.0, report.Score.FinalScore);
    }

    [Fact]
    public async Task Run_114Positions_MakesOnePositionsCallAndScoresOne()
    {
        var report = await FlowHarness.RunAsync("114-jup-positions-and-earnings");

        var call = Assert.Single(report.Steps[0].ToolCalls);
        Assert.Equal(ToolNames.GetJupiterLendEarnPosition, call.ToolName);
        Assert.Contains("\"operation\":\"both\"", call.ArgumentsJson, StringComparison.Ordinal);
        Assert.Contains("\"total_positions\"", call.ResultJson, StringComparison.Ordinal);
        Assert.Empty(report.Steps[0].Transactions);
        Assert.True(report.Score.InstructionValidationSkipped);
        Assert.Equal(1.0, report.Score.FinalScore);
        Assert.Equal(1.0, report.Score.FlowScore);
        Assert.Equal(0.6, report.Score.PassThreshold);
        Assert.Equal(2_000_000_000UL, FlowHarness.Lamports(report, "USER_WALLET_PUBKEY"));
        Assert.Equal(1.0, report.Score.Assertions.Score);
    }

    [Fact]
    public async Task Run_116MintThenRedeem_RunsTwoStepsAndEndsWithNoJlTokens()
    {
        var report = await FlowHarness.RunAsync("116-jup-lend-redeem-usdc");

        Assert.Equal(2, report.Steps.Count);
        Assert.All(report.Steps, s => Assert.True(s.Succeeded, FlowHarness.Describe(report)));
        Assert.Equal(ToolNames.JupiterLendEarnMint, Assert.Single(report.Steps[0].ToolCalls).ToolName);
        Assert.Equal(ToolNames.JupiterLendEarnRedeem, Assert.Single(report.Steps[1].ToolCalls).ToolName);
        Assert.Equal(0UL, FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.JlUsdcMint));
        Assert.True(FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.UsdcMint) >= 48_000_000UL);
        Assert.Equal(1.0, report.Score.Assertions.Score);
        Assert.Equal(1.0, report.Score.SuccessFactor);
        Assert.Equal(1.0, report.Score.FlowScore);
        Assert.True(report.Score.Passed);
    }

    [Fact]
    public async Task Run_200SwapThenLend_RunsBothStepsAndReportsTheComputedAssertionScore()
    {
        var report = await FlowHarness.RunAsync("200-jup-swap-then-lend-deposit");

        Assert.Equal(2, report.Steps.Count);
        Assert.All(report.Steps, s => Assert.True(s.Succeeded, FlowHarness.Describe(report)));
        Assert.Equal(ToolNames.JupiterSwap, Assert.Single(report.Steps[0].ToolCalls).ToolName);
        var deposit = Assert.Single(report.Steps[1].ToolCalls);
        Assert.Equal(ToolNames.JupiterLendEarnDeposit, deposit.ToolName);

        // Step 2 deposits exactly what step 1 received.
        var received = report.Steps[0].Received[TokenCatalog.UsdcMint];
        Assert.Contains($"\"amount\":{received}", deposit.ArgumentsJson, StringComparison.Ordinal);
        Assert.Equal(0UL, FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.UsdcMint));
        Assert.True(FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.JlUsdcMint) > 0);

        // The file's assertions contradict its prompt (1.5 SOL left, 50 USDC kept): both fail, reported honestly.
        Assert.Equal(2, report.Score.Assertions.Results.Count);
        Assert.All(report.Score.Assertions.Results, r => Assert.False(r.Held));
        Assert.Equal(0.0, report.Score.Assertions.Score);
        Assert.Equal(1.0, report.Score.FlowScore);
    }
}
