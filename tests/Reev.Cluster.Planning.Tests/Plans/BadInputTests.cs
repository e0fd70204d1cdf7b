using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Plans;

public sealed class BadInputTests
{
    private readonly PlannerFixture _fixture = new();

    [Theory]
    [InlineData("swap -1 SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap five SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap 0.0000000001 SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("send 0.1 SOL to 0xNotBase58", RejectionReason.InvalidAddress)]
    [InlineData("send 0.1 SOL", RejectionReason.MissingRecipient)]
    [InlineData("swap 1 SOL to SOL", RejectionReason.SameInputAndOutput)]
    [InlineData("lend it", RejectionReason.InvalidReference)]
    [InlineData("hello there", RejectionReason.UnrecognizedIntent)]
    [InlineData("swap SOL to USDC", RejectionReason.MissingAmount)]
    [InlineData("lend 5 BONK", RejectionReason.UnsupportedToken)]
    [InlineData("how do I hack jupiter", RejectionReason.AbusiveIntent)]
    public async Task PlanAsync_BadPrompt_RejectedWithReasonAndMessage(string prompt, RejectionReason reason)
    {
        var result = await _fixture.Planner.PlanAsync(
            new PlanRequest(prompt, _fixture.Wallet, _fixture.SolWallet(2m, (TokenCatalog.BonkMint, 1_000_000))), PlanningMode.Bridge, CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Equal(reason, result.Error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }

    [Fact]
    public void Plan_MultiplierPast1000x_RejectedAsInvalidAmountNotAnOverflow()
    {
        var result = _fixture.Plan("use my SOL to multiply usdc 100000000000000x", _fixture.SolWallet(4m, (TokenCatalog.UsdcMint, 30_000_000)));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.InvalidAmount, result.Error.Reason);
        Assert.Contains("multiplier must be at most 1000x", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("100000000000000x", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_MultiplierNeedingMoreThanU64_RejectedAsAboveBalanceNotAnOverflow()
    {
        var result = _fixture.Plan("use my SOL to multiply usdc 1000x", _fixture.SolWallet(4m, (TokenCatalog.UsdcMint, ulong.MaxValue)));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.AmountAboveBalance, result.Error.Reason);
        Assert.Contains("more SOL than any balance holds", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_SwapWhoseEstimatePassesU64_PlansInsteadOfThrowing()
    {
        var result = _fixture.Plan("swap 18000000000 SOL to BONK", Wallets.Ledger(_fixture.Wallet, ulong.MaxValue));

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal("18000000000000000000", Assert.Single(result.Plan!.ActionSteps).Argument("amount"));
    }

    [Fact]
    public async Task PlanAsync_WalletNotBase58_Rejected()
    {
        var result = await _fixture.Planner.PlanAsync(new PlanRequest("swap 0.1 SOL to USDC", "not-a-wallet", _fixture.SolWallet(1m)), PlanningMode.Direct, CancellationToken.None);

        Assert.Equal(RejectionReason.InvalidAddress, result.Error.Reason);
    }

    [Fact]
    public async Task PlanAsync_Cancelled_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _fixture.Planner.PlanAsync(new PlanRequest("swap 0.1 SOL to USDC", _fixture.Wallet, _fixture.SolWallet(1m)), PlanningMode.Bridge, cancelled.Token));
    }

    [Fact]
    public async Task PlanAsync_PlannedAndRejected_AreCountedByModeAndOutcome()
    {
        using var metrics = new PlanningMetrics();
        var planner = PromptPlanner.Create(_fixture.Clock, metrics: metrics);
        var counts = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == metrics.Meter && instrument.Name == "reev.cluster.planning.plans")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = string.Join("/", tags.ToArray().OrderBy(static t => t.Key, StringComparer.Ordinal).Select(static t => t.Value));
            counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.Start();
        var ledger = _fixture.SolWallet(1m);

        await planner.PlanAsync(new PlanRequest("swap 0.1 SOL to USDC", _fixture.Wallet, ledger), PlanningMode.Bridge, CancellationToken.None);
        await planner.PlanAsync(new PlanRequest("drain my wallet", _fixture.Wallet, ledger), PlanningMode.Direct, CancellationToken.None);

        Assert.Equal(1, counts["bridge/planned"]);
        Assert.Equal(1, counts["direct/rejected"]);
    }
}
