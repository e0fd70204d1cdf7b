using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Ledger;

public sealed class FaultInjectionTests
{
    [Fact]
    public void Parse_FullGrammar_RoundTripsCanonically()
    {
        var parsed = FaultSpec.Parse("Transient=0.25; timeout=0.1, slippage@1+3, venue@2, spike_bps=500, liquidity_usd=50");

        Assert.True(parsed.IsSuccess, parsed.Error);
        var spec = parsed.Spec!;
        Assert.Equal(0.25, spec.RateOf(FaultKind.Transient));
        Assert.Equal(0.1, spec.RateOf(FaultKind.Timeout));
        Assert.True(spec.IsScripted(FaultKind.Slippage, 3));
        Assert.False(spec.IsScripted(FaultKind.Slippage, 2));
        Assert.True(spec.IsScripted(FaultKind.Venue, 2));
        Assert.Equal(500, spec.SpikeBps);
        Assert.Equal(50m, spec.LiquidityCapUsd);
        Assert.Equal(spec, FaultSpec.Parse(spec.ToString()).Spec);
    }

    [Theory]
    [InlineData("meteor=0.1", "unknown fault \"meteor\"")]
    [InlineData("transient=1.5", "[0, 1]")]
    [InlineData("transient=abc", "[0, 1]")]
    [InlineData("slippage@0", "positive integer")]
    [InlineData("spike_bps=-3", "spike_bps")]
    [InlineData("timeout", "kind=rate")]
    public void Parse_BadEntry_ErrorNamesTheEntry(string text, string mention)
    {
        var parsed = FaultSpec.Parse(text);

        Assert.False(parsed.IsSuccess);
        Assert.Contains(mention, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fires_SameSeed_SameDecisions_AndRateIsRespected()
    {
        var spec = FaultSpec.Parse("transient=0.3").Spec!;
        var first = Enumerable.Range(0, 2000).Select(i => new FaultInjector(spec, 42, 1, 1).Fires(FaultKind.Transient, i)).ToList();
        var again = Enumerable.Range(0, 2000).Select(i => new FaultInjector(spec, 42, 1, 1).Fires(FaultKind.Transient, i)).ToList();
        var otherSeed = Enumerable.Range(0, 2000).Select(i => new FaultInjector(spec, 43, 1, 1).Fires(FaultKind.Transient, i)).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.InRange(first.Count(static f => f) / 2000.0, 0.25, 0.35);
    }

    [Fact]
    public async Task RunStep_TransientOnFirstAttempt_RetryableThenSecondAttemptSucceeds()
    {
        var fixture = StepFixture.Prepare("001-sol-transfer");
        var runner = StepFixture.Runner();

        var first = await runner.RunAsync(fixture.Request(faults: "transient@1", attempt: 1), CancellationToken.None);
        var second = await runner.RunAsync(fixture.Request(faults: "transient@1", attempt: 2), CancellationToken.None);

        Assert.False(first.Succeeded);
        Assert.Equal(FlowErrorKind.Transient, first.Error!.Kind);
        Assert.True(first.Error.Retryable);
        Assert.Equal(RecoveryHint.Retry, first.Error.Hint);
        Assert.Empty(first.Transactions);
        Assert.Equal(fixture.Flow.InitialLedger, first.Ledger);
        Assert.True(second.Succeeded, second.Error?.Message);
        Assert.Equal(100_000_000UL, second.Ledger.LamportsOf(fixture.Flow.KeyMap.Resolve("RECIPIENT_WALLET_PUBKEY")));
    }

    [Fact]
    public async Task RunStep_Timeout_RetryableTimeoutError()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(faults: "timeout=1"), CancellationToken.None);

        Assert.Equal(FlowErrorKind.Timeout, outcome.Error!.Kind);
        Assert.True(outcome.Error.Retryable);
    }

    [Fact]
    public async Task RunStep_SlippageSpike_FailsOnChainWith0x1771AndReducedAmountHint()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(faults: "slippage@1"), CancellationToken.None);

        Assert.Equal(FlowErrorKind.SlippageExceeded, outcome.Error!.Kind);
        Assert.Equal(RecoveryHint.ReduceAmount, outcome.Error.Hint);
        Assert.False(outcome.Error.Retryable);
        var transaction = Assert.Single(outcome.Transactions);
        Assert.Equal(TransactionStatus.Failed, transaction.Status);
        Assert.Equal("custom program error: 0x1771", transaction.Error);
        Assert.Contains(transaction.Logs, l => l.Contains("SlippageToleranceExceeded", StringComparison.Ordinal));

        // Only the fee is charged; the swap was rolled back.
        Assert.Equal(2_000_000_000UL - SimulatedLedger.SignatureFee, outcome.Ledger.LamportsOf(fixture.Wallet));
    }

    [Fact]
    public async Task RunStep_SmallSpikeWithinSlippage_Succeeds()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(faults: "slippage@1, spike_bps=30"), CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
    }

    [Fact]
    public async Task RunStep_LiquidityShortfall_FailsThenReducedAmountAlternateSucceeds()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        var runner = StepFixture.Runner();
        var request = fixture.Request(faults: "liquidity=1, liquidity_usd=10");

        var full = await runner.RunAsync(request, CancellationToken.None);
        var reduced = await runner.RunAsync(request with { Attempt = 2, AmountScale = 0.5m }, CancellationToken.None);

        Assert.Equal(FlowErrorKind.Liquidity, full.Error!.Kind);
        Assert.Equal(RecoveryHint.ReduceAmount, full.Error.Hint);
        Assert.True(reduced.Succeeded, reduced.Error?.Message);
        Assert.Contains("\"amount\":50000000", reduced.ToolCalls[0].ArgumentsJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunStep_JupiterOutage_FailsThenSecondVenueAlternateSucceeds()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        var runner = StepFixture.Runner();
        var request = fixture.Request(faults: "venue=1");

        var jupiter = await runner.RunAsync(request, CancellationToken.None);
        var raydium = await runner.RunAsync(request with { Attempt = 2, Venue = SwapVenue.RaydiumName }, CancellationToken.None);

        Assert.Equal(FlowErrorKind.VenueUnavailable, jupiter.Error!.Kind);
        Assert.Equal(RecoveryHint.AlternateVenue, jupiter.Error.Hint);
        Assert.True(raydium.Succeeded, raydium.Error?.Message);
        Assert.Equal(ProgramIds.RaydiumAmm, Assert.Single(raydium.Transactions).Instructions[0].ProgramId);
        Assert.True(raydium.Received[TokenCatalog.UsdcMint] > 0);
    }

    [Fact]
    public async Task RunFlow_SameSeedAndFaults_ReproducesTheRunExactly()
    {
        var options = new FlowRunOptions(Seed: 11, FaultSpec: "transient=0.5");

        var first = await FlowHarness.RunAsync("200-jup-swap-then-lend-deposit", options);
        var second = await FlowHarness.RunAsync("200-jup-swap-then-lend-deposit", options);

        Assert.Equal(first.KeyMap.Entries, second.KeyMap.Entries);
        Assert.Equal(first.FinalLedger, second.FinalLedger);
        Assert.Equal(first.Steps.Select(s => (s.Status, s.Error?.Kind)), second.Steps.Select(s => (s.Status, s.Error?.Kind)));
        Assert.Equal(first.Score, second.Score);
    }
}
