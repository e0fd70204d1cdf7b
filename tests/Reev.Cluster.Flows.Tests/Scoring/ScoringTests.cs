using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tests.Scoring;

public sealed class ScoringTests
{
    // 004: program id 0.5 + data 0.5 + three accounts × 0.25 = 1.75 possible.
    private const double Possible004 = 1.75;

    [Fact]
    public async Task Run_004WrongInstructionData_GetsTheFormulasPartialScore()
    {
        // The SPL Transfer data the tool sends ([3] + u64 amount) is not the file's "3Bxs4vKJW": data scores 0.
        var report = await FlowHarness.RunAsync("004-partial-score-spl-transfer");

        var match = Assert.Single(report.Score.InstructionMatches);
        Assert.True(match.ProgramIdMatched);
        Assert.False(match.DataMatched);
        Assert.Equal(3, match.AccountsMatched);
        var instruction = (0.5 + 0.75) / Possible004;
        Assert.Equal(0.7142857142857143, report.Score.InstructionScore, 12);
        Assert.Equal(instruction, report.Score.InstructionScore, 12);
        Assert.Equal(1.0, report.Score.OnChainScore);
        Assert.Equal((0.75 * instruction) + 0.25, report.Score.FinalScore, 12);
        Assert.Equal(0.7857142857142857, report.Score.FinalScore, 12);
        Assert.True(report.Score.Passed);
        Assert.Equal(1.0, report.Score.Assertions.Score);
    }

    [Fact]
    public async Task Score_004Variants_EachComponentEarnsItsWeight()
    {
        var report = await FlowHarness.RunAsync("004-partial-score-spl-transfer");
        var expected = BenchmarkFiles.Load("004-partial-score-spl-transfer").GroundTruth.ExpectedInstructions;
        var executed = report.Steps[0].Instructions.Single();

        var rightData = executed with { Data = "3Bxs4vKJW" };
        var wrongProgram = executed with { ProgramId = ProgramIds.System };
        var swappedAccounts = executed with { Accounts = new EquatableArray<AccountMetaRecord>([executed.Accounts[1], executed.Accounts[0], executed.Accounts[2]]) };
        var signerFlagWrong = executed with { Accounts = new EquatableArray<AccountMetaRecord>([executed.Accounts[0], executed.Accounts[1], executed.Accounts[2] with { IsSigner = false }]) };

        Assert.Equal(1.0, InstructionScorer.Score(expected, [rightData], report.KeyMap).Score, 12);
        Assert.Equal(0.75 / Possible004, InstructionScorer.Score(expected, [wrongProgram], report.KeyMap).Score, 12);
        Assert.Equal((0.5 + 0.25) / Possible004, InstructionScorer.Score(expected, [swappedAccounts], report.KeyMap).Score, 12);
        Assert.Equal((0.5 + 0.5) / Possible004, InstructionScorer.Score(expected, [signerFlagWrong], report.KeyMap).Score, 12);
        Assert.Equal(0.0, InstructionScorer.Score(expected, [], report.KeyMap).Score);
    }

    [Fact]
    public void ScoreStep_SkipInstructionValidation_OneOnSuccessZeroOnFailure()
    {
        var truth = BenchmarkFiles.Load("114-jup-positions-and-earnings").GroundTruth;

        var acted = FlowScorer.ScoreStep(truth, KeyMap.Empty, [], acted: true);
        var idle = FlowScorer.ScoreStep(truth, KeyMap.Empty, [], acted: false);

        Assert.Equal(1.0, acted.FinalScore);
        Assert.True(acted.Passed);
        Assert.Equal(0.0, idle.FinalScore);
        Assert.False(idle.Passed);
    }

    [Fact]
    public async Task Run_AgentDoesNothingOnFileWithoutExpectedInstructions_ScoresZeroNotThreeQuarters()
    {
        var report = await FlowHarness.RunAsync("100-jup-swap-sol-usdc", new FlowRunOptions(AgentName: "noop"));

        Assert.Equal(0.0, report.Score.InstructionScore);
        Assert.Equal(0.0, report.Score.FinalScore);
        Assert.False(report.Score.Passed);
    }

    [Theory]
    [InlineData(new[] { true, true }, new[] { true, true }, 1.0)]
    [InlineData(new[] { true, false }, new[] { true, false }, 0.8)]
    [InlineData(new[] { true, false }, new[] { true, true }, 0.5)]
    [InlineData(new[] { false, false }, new[] { true, true }, 0.0)]
    public void SuccessFactor_Table(bool[] succeeded, bool[] critical, double factor)
    {
        var none = new StepScore(0, 0, 0, 0.75, false, false);
        var steps = succeeded.Select((ok, i) => new StepScoreEntry(i + 1, critical[i], ok, none)).ToList();

        Assert.Equal(factor, FlowScorer.SuccessFactor(steps));
    }

    [Fact]
    public async Task ScoreFlow_CriticalFirstStepFails_FlowScoreIsHalvedMeanAndBelowMinScore()
    {
        // 116 with a permanent fault on step 1: the run stops, step 2 never runs and scores 0.
        var report = await FlowHarness.RunAsync("116-jup-lend-redeem-usdc", new FlowRunOptions(FaultSpec: "transient@1"));

        Assert.Single(report.Steps);
        Assert.Equal(2, report.Score.Steps.Count);
        Assert.False(report.Score.Steps[1].Succeeded);
        Assert.Equal(0.0, report.Score.SuccessFactor);
        Assert.Equal(0.0, report.Score.FlowScore);
        Assert.False(report.Score.Passed);
        Assert.Equal(0.6, report.Score.PassThreshold);
    }

    [Fact]
    public void Assertions_300SeriesTypes_HaveTheirDocumentedMeaning()
    {
        const string Wallet = "USER_WALLET_PUBKEY";
        var keys = Keys(out var wallet);
        var initial = SimulatedLedger.CreateEmpty();
        initial.SetSystemAccount(wallet, 4_000_000_000);
        initial.SetTokenAccount(AssociatedTokenAddress.Derive(wallet, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, wallet, 20_000_000);
        var final = SimulatedLedger.FromSnapshot(initial.ToSnapshot());
        final.SetSystemAccount(wallet, 2_000_000_000);
        final.SetTokenAccount(AssociatedTokenAddress.Derive(wallet, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, wallet, 250_000_000);
        final.SeedLendingShares(wallet, TokenCatalog.JlUsdcMint, 50_000_000);
        final.SeedLendingShares(wallet, TokenCatalog.JlSolMint, 1_000_000_000);

        // Final: 2 SOL ($300) + 250 USDC + 50 jlUSDC ($50) + 1 jlSOL ($150) = $750.
        var assertions = new[]
        {
            Assertion(AssertionType.TotalPortfolioValue, Wallet, gte: 750_000_000m),
            Assertion(AssertionType.TotalPortfolioValue, Wallet, gte: 750_000_001m),
            Assertion(AssertionType.LiquidityRatio, Wallet, gte: 0.33m, lte: 0.34m),
            Assertion(AssertionType.MultiPoolDiversification, Wallet, minPools: 2, maxPools: 4),
            Assertion(AssertionType.MultiPoolDiversification, Wallet, minPools: 3),
            Assertion(AssertionType.CapitalReserve, Wallet, expected: 3_666_666_666m),
            Assertion(AssertionType.JupiterLendingPosition, Wallet, approx: 50_000_000m, mint: TokenCatalog.UsdcMint),
            Assertion(AssertionType.SolBalanceChange, Wallet, changeLte: -2_000_000_000m),
            Assertion(AssertionType.TokenAccountBalanceChange, "USER_USDC_ATA", notZero: true),
            Assertion(AssertionType.SolBalance, Wallet, gte: 2_000_000_001m),
        };

        var score = AssertionEvaluator.Evaluate(assertions, keys, initial.ToSnapshot(), final.ToSnapshot());

        Assert.Equal([true, false, true, true, false, true, true, true, true, false], score.Results.Select(r => r.Held));
        Assert.Equal(7.0 / 10.0, score.Score, 12);
        Assert.Equal(750_000_000m, score.Results[0].Actual);
        Assert.Contains("FAILED", score.Results[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Assertions_TokenAssertionWithOtherMint_Fails()
    {
        var keys = Keys(out var wallet);
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(wallet, 1);
        ledger.SetTokenAccount(AssociatedTokenAddress.Derive(wallet, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, wallet, 5);
        var assertion = Assertion(AssertionType.TokenAccountBalance, "USER_USDC_ATA", expected: 5m, mint: TokenCatalog.UsdtMint);

        var score = AssertionEvaluator.Evaluate([assertion], keys, ledger.ToSnapshot(), ledger.ToSnapshot());

        Assert.False(score.Results[0].Held);
        Assert.Contains("expected " + TokenCatalog.UsdtMint, score.Results[0].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Assertions_WeightsSummingToInfinity_ScoreZeroNotNaN()
    {
        var keys = Keys(out var wallet);
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(wallet, 5);
        var held = Assertion(AssertionType.SolBalance, "USER_WALLET_PUBKEY", expected: 5m) with { Weight = 1.7e308 };

        var score = AssertionEvaluator.Evaluate([held, held], keys, ledger.ToSnapshot(), ledger.ToSnapshot());

        Assert.True(score.Results.All(static r => r.Held));
        Assert.Equal(0.0, score.Score);
    }

    [Fact]
    public void Instructions_WeightsSummingToInfinity_ScoreZeroNotNaN()
    {
        var keys = Keys(out var wallet);
        var want = new ExpectedInstruction(ProgramIds.System, 1.7e308, new EquatableArray<ExpectedAccount>([new ExpectedAccount(wallet, true, true, 1.7e308)]), null, null);
        var got = new InstructionRecord(ProgramIds.System, new EquatableArray<AccountMetaRecord>([new AccountMetaRecord(wallet, true, true)]), "");

        var (score, matches) = InstructionScorer.Score([want], [got], keys);

        Assert.True(Assert.Single(matches).ProgramIdMatched);
        Assert.Equal(0.0, score);
    }

    private static KeyMap Keys(out string wallet)
    {
        wallet = Base58.Encode(Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray());
        return new KeyMap(new Dictionary<string, string>
        {
            ["USER_WALLET_PUBKEY"] = wallet,
            ["USER_USDC_ATA"] = AssociatedTokenAddress.Derive(wallet, TokenCatalog.UsdcMint),
        });
    }

    private static FinalStateAssertion Assertion(
        AssertionType type, string pubkey, decimal? expected = null, decimal? gte = null, decimal? lte = null, decimal? changeLte = null,
        bool? notZero = null, decimal? approx = null, int? minPools = null, int? maxPools = null, string? mint = null) =>
        new(type, pubkey, mint, null, expected, gte, lte, null, changeLte, notZero, approx, minPools, maxPools, 1.0);
}
