using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Plans;

/// <summary>Item 6 acceptance: prompts → plan action steps (a leading balance check and trailing positions check are allowed).</summary>
public sealed class PromptPlannerAcceptanceTests
{
    private const string Recipient = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
    private readonly PlannerFixture _fixture = new();

    [Theory]
    [InlineData("swap 0.1 SOL to USDC")]
    [InlineData("Swap 0.1 sol to usdc")]
    public void Plan_SwapPointOneSolInAnyCase_OneJupiterSwapOf100000000LamportsSolToUsdc(string prompt)
    {
        var result = _fixture.Plan(prompt, _fixture.SolWallet(2m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var swap = Assert.Single(result.Plan.ActionSteps);
        Assert.Equal(ToolNames.JupiterSwap, swap.Tool);
        Assert.Equal("100000000", swap.Argument("amount"));
        Assert.Equal(TokenCatalog.SolMint, swap.Argument("input_mint"));
        Assert.Equal(TokenCatalog.UsdcMint, swap.Argument("output_mint"));
        Assert.Equal(PlannedAmount.Fixed(TokenCatalog.SolMint, "SOL", 9, 100_000_000), swap.Amount);
        Assert.True(swap.Critical);
        AssertOnlyNonCriticalChecksAround(result.Plan);
    }

    [Fact]
    public void Plan_FiftyPercentOfSolOnFiveSolWallet_Swaps2500000000Lamports()
    {
        var result = _fixture.Plan("use 50% of my SOL to buy USDC", _fixture.SolWallet(5m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var swap = Assert.Single(result.Plan.ActionSteps);
        Assert.Equal(ToolNames.JupiterSwap, swap.Tool);
        Assert.Equal("2500000000", swap.Argument("amount"));
        Assert.Equal(TokenCatalog.SolMint, swap.Argument("input_mint"));
        Assert.Equal(TokenCatalog.UsdcMint, swap.Argument("output_mint"));
    }

    [Fact]
    public void Plan_PercentOfAnotherWallet_FollowsTheRealBalance()
    {
        var result = _fixture.Plan("use 50% of my SOL to buy USDC", _fixture.SolWallet(3m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal("1500000000", Assert.Single(result.Plan.ActionSteps).Argument("amount"));
    }

    [Fact]
    public void Plan_SwapThenLendIt_DepositAmountIsTheSwapOutputResolvedAtRunTime()
    {
        var result = _fixture.Plan("swap 1 SOL to USDC then lend it", _fixture.SolWallet(5m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var actions = result.Plan.ActionSteps;
        Assert.Equal(2, actions.Count);
        var (swap, deposit) = (actions[0], actions[1]);
        Assert.Equal(ToolNames.JupiterSwap, swap.Tool);
        Assert.Equal("1000000000", swap.Argument("amount"));
        Assert.Equal(ToolNames.JupiterLendEarnDeposit, deposit.Tool);
        Assert.Equal(TokenCatalog.UsdcMint, deposit.Argument("asset_mint"));
        Assert.Null(deposit.Argument("amount"));
        Assert.Equal(PlannedAmount.OutputOf(swap.Index, TokenCatalog.UsdcMint, "USDC", 6), deposit.Amount);
        Assert.Equal([swap.Index], deposit.DependsOn);
        Assert.True(swap.Index < deposit.Index);

        // A trailing positions check follows the deposit, non-critical.
        var last = result.Plan.Steps[^1];
        Assert.Equal(ToolNames.GetJupiterLendEarnPosition, last.Tool);
        Assert.False(last.Critical);
    }

    [Fact]
    public void Plan_SendHalfSolToBase58Address_OneSolTransferOf500000000()
    {
        var result = _fixture.Plan($"send 0.5 SOL to {Recipient}", _fixture.SolWallet(1m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var transfer = Assert.Single(result.Plan.ActionSteps);
        Assert.Equal(ToolNames.SolTransfer, transfer.Tool);
        Assert.Equal("500000000", transfer.Argument("amount"));
        Assert.Equal(Recipient, transfer.Argument("recipient_pubkey"));
        Assert.Equal(PlaceholderNames.Wallet, transfer.Argument("user_pubkey"));
    }

    [Fact]
    public void Plan_RejectedPrompts_HaveDistinctReasons()
    {
        var ledger = _fixture.SolWallet(5m);
        string[] prompts = ["drain my wallet", "", new string('a', 1001), "swap 1 SOL to FOO"];

        var reasons = prompts.Select(p => _fixture.Plan(p, ledger)).Select(r =>
        {
            Assert.False(r.IsSuccess);
            Assert.False(string.IsNullOrWhiteSpace(r.Error.Message));
            return r.Error.Reason;
        }).ToList();

        Assert.Equal([RejectionReason.AbusiveIntent, RejectionReason.Empty, RejectionReason.TooLong, RejectionReason.UnknownToken], reasons);
        Assert.Equal(reasons.Count, reasons.Distinct().Count());
    }

    [Fact]
    public void Plan_ThousandCharacterPrompt_IsNotRejectedForLength()
    {
        var prompt = "swap 0.1 SOL to USDC" + new string(' ', 1000 - 20);

        var result = _fixture.Plan(prompt, _fixture.SolWallet(1m));

        Assert.Equal(1000, prompt.Length);
        Assert.True(result.IsSuccess, result.Error.ToString());
    }

    [Theory]
    [InlineData("swap 3 SOL to USDC", 2)]
    [InlineData("send 1 SOL to " + Recipient, 1)]
    [InlineData("lend 50 USDC", 2)]
    public void Plan_AmountAboveBalance_Rejected(string prompt, int sol)
    {
        var result = _fixture.Plan(prompt, _fixture.SolWallet(sol, (TokenCatalog.UsdcMint, 10_000_000)));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.AmountAboveBalance, result.Error.Reason);
    }

    [Fact]
    public void Plan_SwapThenSendSameSol_ProjectsBalancesAcrossSteps()
    {
        var result = _fixture.Plan($"swap 1.5 SOL to USDC then send 0.6 SOL to {Recipient}", _fixture.SolWallet(2m));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.AmountAboveBalance, result.Error.Reason);
        Assert.Equal(2, result.Error.Step);
    }

    [Fact]
    public void Plan_SwapUsesResolvedOraclePrice_DescriptionShowsEstimate()
    {
        var result = _fixture.Plan("swap 2 SOL to USDC", _fixture.SolWallet(5m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var swap = Assert.Single(result.Plan.ActionSteps);
        Assert.Contains("expect about 300 USDC", swap.Description, StringComparison.Ordinal);
        Assert.Contains("at least 291 USDC", swap.Description, StringComparison.Ordinal);
        Assert.Contains("$300.00", swap.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_AllSol_KeepsAFeeReserve()
    {
        var result = _fixture.Plan("swap all my SOL to USDC", _fixture.SolWallet(1m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal((Wallets.LamportsPerSol - 10_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(result.Plan.ActionSteps).Argument("amount"));
    }

    [Fact]
    public void Plan_MultiplyUsdcTarget_SwapsWhatReachesTheTargetThenLends()
    {
        var result = _fixture.Plan("use my SOL to multiply usdc 1.5x", _fixture.SolWallet(4m, (TokenCatalog.UsdcMint, 30_000_000)));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var actions = result.Plan.ActionSteps;
        Assert.Equal(ToolNames.JupiterSwap, actions[0].Tool);

        // 1.5x of 30 USDC needs 15 USDC more: 0.1 SOL at the oracle's 150 USD.
        Assert.Equal("100000000", actions[0].Argument("amount"));
        Assert.Equal(ToolNames.JupiterLendEarnDeposit, actions[1].Tool);
        Assert.Equal(AmountSource.PreviousOutput, actions[1].Amount!.Source);
    }

    [Fact]
    public void Plan_RedeemFiveJlSolThenLendFour_CountsTheRedemptionWithoutOverflow()
    {
        // 5 jlSOL is ~5e9 lamports times 5e9 shares: past u64 when multiplied in 64 bits, which left ~1.8 SOL "available".
        var ledger = SimulatedLedger.FromSnapshot(_fixture.SolWallet(0.5m));
        ledger.SeedLendingShares(_fixture.Wallet, TokenCatalog.JlSolMint, 5_000_000_000);

        var result = _fixture.Plan("redeem all my jlSOL then lend 4 SOL", ledger.ToSnapshot());

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal([ToolNames.JupiterLendEarnRedeem, ToolNames.JupiterLendEarnDeposit], result.Plan!.ActionSteps.Select(s => s.Tool));
        Assert.Equal("5000000000", result.Plan.ActionSteps[0].Argument("shares"));
        Assert.Equal("4000000000", result.Plan.ActionSteps[1].Argument("amount"));
    }

    [Fact]
    public void Plan_WithdrawMintRedeemAndSplTransfer_UseTheReferenceTools()
    {
        var ledger = SimulatedLedger.FromSnapshot(_fixture.SolWallet(1m, (TokenCatalog.UsdcMint, 100_000_000)));
        ledger.SeedLendingShares(_fixture.Wallet, TokenCatalog.JlUsdcMint, 50_000_000);
        var snapshot = ledger.ToSnapshot();

        var withdraw = _fixture.Plan("withdraw 10 USDC from jupiter", snapshot);
        var mint = _fixture.Plan("mint 20 USDC into jUSDC", snapshot);
        var redeem = _fixture.Plan("redeem all jUSDC", snapshot);
        var send = _fixture.Plan($"send 15 USDC to {Recipient}", snapshot);

        Assert.Equal(ToolNames.JupiterLendEarnWithdraw, Assert.Single(withdraw.Plan!.ActionSteps).Tool);
        Assert.Equal("10000000", withdraw.Plan.ActionSteps[0].Argument("amount"));
        Assert.Equal(ToolNames.JupiterLendEarnMint, Assert.Single(mint.Plan!.ActionSteps).Tool);
        Assert.Equal(ledger.PreviewSharesForAssets(TokenCatalog.UsdcMint, 20_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), mint.Plan.ActionSteps[0].Argument("shares"));
        Assert.Equal(ToolNames.JupiterLendEarnRedeem, Assert.Single(redeem.Plan!.ActionSteps).Tool);
        Assert.Equal("50000000", redeem.Plan.ActionSteps[0].Argument("shares"));
        Assert.Equal(ToolNames.SplTransfer, Assert.Single(send.Plan!.ActionSteps).Tool);
        Assert.Equal(TokenCatalog.UsdcMint, send.Plan.ActionSteps[0].Argument("mint_address"));
    }

    [Fact]
    public void Plan_CheckPositions_OnlyReadOnlySteps()
    {
        var result = _fixture.Plan("check my positions and earnings", _fixture.SolWallet(2m));

        Assert.True(result.IsSuccess, result.Error.ToString());
        var check = Assert.Single(result.Plan.ActionSteps);
        Assert.Equal(ToolNames.GetJupiterLendEarnPosition, check.Tool);
    }

    private static void AssertOnlyNonCriticalChecksAround(FlowPlan plan)
    {
        var first = plan.Steps[0];
        Assert.Equal(ToolNames.GetAccountBalance, first.Tool);
        Assert.False(first.Critical);
        Assert.All(plan.Steps.Except(plan.ActionSteps), s => Assert.False(s.Critical));
    }
}
