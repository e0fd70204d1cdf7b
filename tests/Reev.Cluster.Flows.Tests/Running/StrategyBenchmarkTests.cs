using System.Text.Json;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Running;

/// <summary>The 300-series strategies the tools can express; their assertion scores are reported as computed.</summary>
public sealed class StrategyBenchmarkTests
{
    [Theory]
    [InlineData("300-jup-swap-then-lend-deposit-dyn", 2_000_000_000UL)]
    [InlineData("301-dynamic-yield-optimization", 4_000_000_000UL)]
    public async Task Run_PercentOfSolForUsdcYield_SwapsThatShareThenLendsItsOutput(string id, ulong swapped)
    {
        var report = await FlowHarness.RunAsync(id);

        var step = report.Steps[0];
        Assert.True(step.Succeeded, FlowHarness.Describe(report));
        Assert.Equal([ToolNames.JupiterSwap, ToolNames.JupiterLendEarnDeposit], step.ToolCalls.Select(c => c.ToolName));
        using var swap = JsonDocument.Parse(step.ToolCalls[0].ResultJson!);
        using var deposit = JsonDocument.Parse(step.ToolCalls[1].ArgumentsJson);
        Assert.Equal(swapped, swap.RootElement.GetProperty("in_amount").GetUInt64());
        Assert.Equal(swap.RootElement.GetProperty("out_amount").GetUInt64(), deposit.RootElement.GetProperty("amount").GetUInt64());
        Assert.InRange(report.Score.Assertions.Score, 0.0, 1.0);
    }

    [Fact]
    public async Task Run_304EmergencyExit_RedeemsEveryPositionThenConvertsSolToUsdc()
    {
        var report = await FlowHarness.RunAsync("304-emergency-exit-strategy");

        var step = report.Steps[0];
        Assert.True(step.Succeeded, FlowHarness.Describe(report));
        Assert.Equal([ToolNames.JupiterLendEarnRedeem, ToolNames.JupiterSwap], step.ToolCalls.Select(c => c.ToolName));
        Assert.Equal(0UL, FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.JlUsdcMint));
        Assert.True(FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.UsdcMint) >= 150_000_000UL);
        var liquidity = report.Score.Assertions.Results.Single(r => r.Type == AssertionType.LiquidityRatio);
        Assert.True(liquidity.Held, liquidity.Detail);
    }

    [Fact]
    public async Task Run_305MultiPool_LendsSeventyPercentOfEachHoldingAcrossTwoPools()
    {
        var report = await FlowHarness.RunAsync("305-yield-farming-optimization");

        var step = report.Steps[0];
        Assert.True(step.Succeeded, FlowHarness.Describe(report));
        Assert.Equal(2, step.ToolCalls.Count(c => c.ToolName == ToolNames.JupiterLendEarnDeposit));
        Assert.Equal(30_000_000UL, FlowHarness.TokenOf(report, "USER_WALLET_PUBKEY", TokenCatalog.UsdcMint));
        var pools = report.Score.Assertions.Results.Single(r => r.Type == AssertionType.MultiPoolDiversification);
        Assert.True(pools.Held, pools.Detail);
        Assert.Equal(2m, pools.Actual);
    }

    [Fact]
    public async Task Run_303ShareOfSolIntoLending_LendsThirtyPercentOfSol()
    {
        var report = await FlowHarness.RunAsync("303-risk-adjusted-growth");

        var call = Assert.Single(report.Steps[0].ToolCalls);
        Assert.Equal(ToolNames.JupiterLendEarnDeposit, call.ToolName);
        using var args = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal(1_800_000_000UL, args.RootElement.GetProperty("amount").GetUInt64());
        Assert.Equal(TokenCatalog.SolMint, args.RootElement.GetProperty("asset_mint").GetString());
    }
}
