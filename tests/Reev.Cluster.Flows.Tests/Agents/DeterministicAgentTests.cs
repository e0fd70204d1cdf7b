using System.Text.Json;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Agents;

/// <summary>The deterministic agent on the prompt shapes of the issue (planner steps and user prompts).</summary>
public sealed class DeterministicAgentTests
{
    [Theory]
    [InlineData("swap 0.1 SOL to USDC")]
    [InlineData("Swap 0.1 sol to usdc")]
    [InlineData("SWAP 0.1 Sol TO Usdc please")]
    public async Task Run_SwapPromptAnyCase_OneSwapOfTenthSol(string prompt)
    {
        var outcome = await RunAsync("110-jup-lend-deposit-sol", prompt);

        var call = Assert.Single(outcome.ToolCalls);
        Assert.Equal(ToolNames.JupiterSwap, call.ToolName);
        using var args = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal(100_000_000UL, args.RootElement.GetProperty("amount").GetUInt64());
        Assert.Equal(TokenCatalog.SolMint, args.RootElement.GetProperty("input_mint").GetString());
        Assert.Equal(TokenCatalog.UsdcMint, args.RootElement.GetProperty("output_mint").GetString());
        Assert.True(outcome.Succeeded, outcome.Error?.Message);
    }

    [Fact]
    public async Task Run_PercentOfBalance_SwapsThatShareOfFiveSol()
    {
        var outcome = await RunAsync("110-jup-lend-deposit-sol", "use 50% of my SOL to buy USDC");

        var call = Assert.Single(outcome.ToolCalls);
        using var args = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal(2_500_000_000UL, args.RootElement.GetProperty("amount").GetUInt64());
        Assert.Equal(TokenCatalog.UsdcMint, args.RootElement.GetProperty("output_mint").GetString());
    }

    [Fact]
    public async Task Run_SwapThenLendIt_DepositsExactlyTheSwapOutput()
    {
        var outcome = await RunAsync("110-jup-lend-deposit-sol", "swap 1 SOL to USDC then lend it");

        Assert.True(outcome.Succeeded, outcome.Error?.Message);
        Assert.Equal([ToolNames.JupiterSwap, ToolNames.JupiterLendEarnDeposit], outcome.ToolCalls.Select(c => c.ToolName));
        using var swap = JsonDocument.Parse(outcome.ToolCalls[0].ResultJson!);
        using var deposit = JsonDocument.Parse(outcome.ToolCalls[1].ArgumentsJson);
        Assert.Equal(swap.RootElement.GetProperty("out_amount").GetUInt64(), deposit.RootElement.GetProperty("amount").GetUInt64());
        Assert.Equal(TokenCatalog.UsdcMint, deposit.RootElement.GetProperty("asset_mint").GetString());
    }

    [Fact]
    public async Task Run_SendSolToBase58Address_OneSolTransfer()
    {
        var recipient = Base58.Encode(Enumerable.Range(100, 32).Select(static i => (byte)i).ToArray());

        var outcome = await RunAsync("110-jup-lend-deposit-sol", $"send 0.5 SOL to {recipient}");

        var call = Assert.Single(outcome.ToolCalls);
        Assert.Equal(ToolNames.SolTransfer, call.ToolName);
        using var args = JsonDocument.Parse(call.ArgumentsJson);
        Assert.Equal(500_000_000UL, args.RootElement.GetProperty("amount").GetUInt64());
        Assert.Equal(recipient, args.RootElement.GetProperty("recipient_pubkey").GetString());
        Assert.Equal(500_000_000UL, outcome.Ledger.LamportsOf(recipient));
    }

    [Fact]
    public async Task Run_PlannerStyleBalanceAndPositionChecks_ReadOnlyCalls()
    {
        var balance = await RunAsync("110-jup-lend-deposit-sol", "Check current wallet balances and positions for the wallet.");
        var positions = await RunAsync("110-jup-lend-deposit-sol", "Check my Jupiter lending positions");

        Assert.Equal(ToolNames.GetAccountBalance, Assert.Single(balance.ToolCalls).ToolName);
        Assert.Equal(ToolNames.GetJupiterLendEarnPosition, Assert.Single(positions.ToolCalls).ToolName);
        Assert.Empty(balance.Transactions);
        Assert.True(balance.Succeeded);
    }

    [Fact]
    public async Task Run_PromptWithNoAction_NoActionFailure()
    {
        var outcome = await RunAsync("110-jup-lend-deposit-sol", "tell me a joke");

        Assert.False(outcome.Succeeded);
        Assert.Equal(FlowErrorKind.NoAction, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable);
    }

    [Theory]
    [InlineData("send 20000000000 SOL to RECIPIENT_WALLET_PUBKEY", "SOL")]
    [InlineData("send 12345678901234567890123456789012 SOL to RECIPIENT_WALLET_PUBKEY", "SOL")]
    [InlineData("swap 99999999999999999999 USDC to SOL", "USDC")]
    [InlineData("lend 100000000000000000000000000000000 USDC", "USDC")]
    public async Task Run_AmountPastU64_AmountTooLargeNotAnException(string prompt, string symbol)
    {
        var outcome = await RunAsync("001-sol-transfer", prompt);

        Assert.False(outcome.Succeeded);
        Assert.Empty(outcome.ToolCalls);
        Assert.Equal(FlowErrorKind.NoAction, outcome.Error!.Kind);
        Assert.False(outcome.Error.Retryable);
        Assert.Contains($"amount too large", outcome.Error.Message, StringComparison.Ordinal);
        Assert.Contains($"more {symbol}", outcome.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_AmountOverrideHint_UsesTheOverride()
    {
        var fixture = StepFixture.Prepare("110-jup-lend-deposit-sol");

        var outcome = await StepFixture.Runner().RunAsync(fixture.Request(prompt: "swap 1 SOL to USDC") with { AmountOverride = 123_456_789 }, CancellationToken.None);

        using var args = JsonDocument.Parse(Assert.Single(outcome.ToolCalls).ArgumentsJson);
        Assert.Equal(123_456_789UL, args.RootElement.GetProperty("amount").GetUInt64());
    }

    [Fact]
    public async Task Run_DepositWhatIReceived_UsesPreviousStepsReceipts()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        var runner = StepFixture.Runner();
        var swap = await runner.RunAsync(fixture.Request(prompt: "swap 1 SOL for USDC"), CancellationToken.None);
        var request = fixture.Request(prompt: "deposit what I received into Jupiter lending") with
        {
            Ledger = swap.Ledger,
            PreviousReceived = swap.Received,
        };

        var deposit = await runner.RunAsync(request, CancellationToken.None);

        Assert.True(deposit.Succeeded, deposit.Error?.Message);
        using var args = JsonDocument.Parse(Assert.Single(deposit.ToolCalls).ArgumentsJson);
        Assert.Equal(swap.Received[TokenCatalog.UsdcMint], args.RootElement.GetProperty("amount").GetUInt64());
    }

    private static Task<StepOutcome> RunAsync(string id, string prompt)
    {
        var fixture = StepFixture.Prepare(id);
        return StepFixture.Runner().RunAsync(fixture.Request(prompt: prompt), CancellationToken.None);
    }
}
