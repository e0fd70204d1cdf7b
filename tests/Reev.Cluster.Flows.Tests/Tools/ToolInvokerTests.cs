using System.Text.Json;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Tools;

public sealed class ToolInvokerTests
{
    private static (ToolInvoker Tools, StepFixture Fixture) Tools(string id = "100-jup-swap-sol-usdc", FaultInjector? faults = null, string? venue = null)
    {
        var fixture = StepFixture.Prepare(id);
        var ledger = SimulatedLedger.FromSnapshot(fixture.Flow.InitialLedger);
        return (new ToolInvoker(ledger, fixture.Flow.KeyMap, faults, venue), fixture);
    }

    [Theory]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":-5}""", FlowErrorKind.InvalidAmount, "amount")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":"lots"}""", FlowErrorKind.InvalidAmount, "amount")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":0}""", FlowErrorKind.InvalidAmount, "amount")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":1.5}""", FlowErrorKind.InvalidAmount, "whole number")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":1.00000000000000000000000000001}""", FlowErrorKind.InvalidAmount, "whole number")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":"100000000.000000000000000000000000001"}""", FlowErrorKind.InvalidAmount, "whole number")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":1e-40}""", FlowErrorKind.InvalidAmount, "whole number")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"FOO","amount":1000}""", FlowErrorKind.InvalidMint, "output_mint")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"SOL","amount":1000}""", FlowErrorKind.SameInputOutputMint, "Same input and output mint")]
    [InlineData("""{"user_pubkey":"not-a-key!","input_mint":"SOL","output_mint":"USDC","amount":1000}""", FlowErrorKind.InvalidAddress, "user_pubkey")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":1000,"slippage_bps":20000}""", FlowErrorKind.InvalidArguments, "slippage")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":1000,"venue":"orca"}""", FlowErrorKind.InvalidArguments, "venue")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":500000000000}""", FlowErrorKind.InsufficientFunds, "Insufficient funds")]
    [InlineData("""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":18446744073709551000}""", FlowErrorKind.InsufficientFunds, "Insufficient funds: requested 184467440737095")]
    [InlineData("""{"input_mint":"SOL","output_mint":"USDC","amount":1000}""", FlowErrorKind.InvalidArguments, "missing argument \"user_pubkey\"")]
    [InlineData("""[1,2]""", FlowErrorKind.InvalidArguments, "JSON object")]
    [InlineData("""{"user_pubkey": """, FlowErrorKind.InvalidArguments, "not valid JSON")]
    public async Task Swap_BadInput_TypedPermanentErrorNamingTheArgument(string arguments, FlowErrorKind kind, string mention)
    {
        var (tools, _) = Tools();

        var call = await tools.InvokeAsync(ToolNames.JupiterSwap, arguments, CancellationToken.None);

        Assert.False(call.Success);
        Assert.Equal(kind, call.Error!.Kind);
        Assert.False(call.Error.Retryable);
        Assert.Contains(mention, call.Error.Message, StringComparison.Ordinal);
        Assert.Empty(call.Signatures);
        Assert.Empty(tools.Ledger.Transactions);
    }

    [Fact]
    public async Task Invoke_UnknownTool_UnknownToolError()
    {
        var (tools, _) = Tools();

        var call = await tools.InvokeAsync("jupiter_earn", "{}", CancellationToken.None);

        Assert.Equal(FlowErrorKind.UnknownTool, call.Error!.Kind);
        Assert.Contains("get_jupiter_lend_earn_position", call.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1e8")]
    [InlineData("1.000e8")]
    [InlineData("\"100000000.00000000000000000000000000000\"")]
    [InlineData("10000000000000e-5")]
    public async Task Swap_WholeAmountInAnyNotation_IsAccepted(string amount)
    {
        var (tools, _) = Tools();

        var call = await tools.InvokeAsync(ToolNames.JupiterSwap,
            $$"""{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":{{amount}}}""", CancellationToken.None);

        Assert.True(call.Success, call.Error?.Message);
        using var result = JsonDocument.Parse(call.ResultJson!);
        Assert.Equal(100_000_000UL, result.RootElement.GetProperty("in_amount").GetUInt64());
    }

    [Fact]
    public async Task Swap_Success_RecordsTransactionWithJupiterInstruction()
    {
        var (tools, fixture) = Tools();

        var call = await tools.InvokeAsync(ToolNames.JupiterSwap,
            """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"So11111111111111111111111111111111111111112","output_mint":"usdc","amount":100000000}""", CancellationToken.None);

        Assert.True(call.Success, call.Error?.Message);
        var transaction = Assert.Single(tools.Ledger.Transactions);
        Assert.Equal(transaction.Signature, Assert.Single(call.Signatures));
        var instruction = Assert.Single(transaction.Instructions);
        Assert.Equal(ProgramIds.JupiterSwap, instruction.ProgramId);
        Assert.Contains(instruction.Accounts, a => a.Pubkey == fixture.Wallet && a.IsSigner && a.IsWritable);
        using var result = JsonDocument.Parse(call.ResultJson!);
        var outAmount = result.RootElement.GetProperty("out_amount").GetUInt64();

        // 0.1 SOL at 150 USD, 20 bps fee, impact 15/(15+50M): just under 15 USDC.
        Assert.Equal(14_969_995UL, outAmount);
        Assert.Equal(outAmount, tools.Ledger.TokenBalanceOf(fixture.Wallet, TokenCatalog.UsdcMint));
    }

    [Fact]
    public async Task Swap_AlternateVenue_UsesRaydiumProgramWithItsFee()
    {
        var (tools, _) = Tools(venue: SwapVenue.RaydiumName);

        var call = await tools.InvokeAsync(ToolNames.JupiterSwap,
            """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":100000000}""", CancellationToken.None);

        Assert.True(call.Success, call.Error?.Message);
        Assert.Equal(ProgramIds.RaydiumAmm, tools.Ledger.Transactions[0].Instructions[0].ProgramId);
        using var result = JsonDocument.Parse(call.ResultJson!);
        Assert.Equal("raydium", result.RootElement.GetProperty("venue").GetString());
        Assert.True(result.RootElement.GetProperty("out_amount").GetUInt64() < 14_969_995UL);
    }

    [Fact]
    public async Task Swap_AboveVenueLiquidity_LiquidityErrorHintsReducedAmount()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        var ledger = SimulatedLedger.FromSnapshot(fixture.Flow.InitialLedger);
        ledger.SetSystemAccount(fixture.Wallet, 10_000_000_000_000_000);
        var tools = new ToolInvoker(ledger, fixture.Flow.KeyMap, venue: SwapVenue.RaydiumName);

        // 4,000 SOL = 600,000 USD, above Raydium's 500,000 USD routable size.
        var call = await tools.InvokeAsync(ToolNames.JupiterSwap,
            """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":4000000000000}""", CancellationToken.None);

        Assert.Equal(FlowErrorKind.Liquidity, call.Error!.Kind);
        Assert.Equal(RecoveryHint.ReduceAmount, call.Error.Hint);
    }

    [Fact]
    public async Task Deposit_UnknownPool_InvalidMint()
    {
        var (tools, _) = Tools();

        var call = await tools.InvokeAsync(ToolNames.JupiterLendEarnDeposit, """{"user_pubkey":"USER_WALLET_PUBKEY","asset_mint":"BONK","amount":1000}""", CancellationToken.None);

        Assert.Equal(FlowErrorKind.InvalidMint, call.Error!.Kind);
        Assert.Contains("no Jupiter Lend Earn pool for BONK", call.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolTransfer_ToNonBase58Recipient_InvalidAddressNamingTheArgument()
    {
        var (tools, _) = Tools("001-sol-transfer");

        var call = await tools.InvokeAsync(ToolNames.SolTransfer, """{"user_pubkey":"USER_WALLET_PUBKEY","recipient_pubkey":"0OIl-not-base58","amount":1000}""", CancellationToken.None);

        Assert.Equal(FlowErrorKind.InvalidAddress, call.Error!.Kind);
        Assert.Contains("recipient_pubkey", call.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SolTransfer_SignerNotAWalletOfTheRun_Refused()
    {
        var (tools, _) = Tools("001-sol-transfer");
        var stranger = Base58.Encode(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray());

        var call = await tools.InvokeAsync(ToolNames.SolTransfer, $$"""{"user_pubkey":"{{stranger}}","recipient_pubkey":"USER_WALLET_PUBKEY","amount":1000}""", CancellationToken.None);

        Assert.Equal(FlowErrorKind.InvalidArguments, call.Error!.Kind);
        Assert.Contains("cannot sign", call.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Positions_AfterDeposit_ReportsSharesValueAndEarnings()
    {
        var (tools, _) = Tools("111-jup-lend-deposit-usdc");
        await tools.InvokeAsync(ToolNames.JupiterLendEarnDeposit, """{"user_pubkey":"USER_WALLET_PUBKEY","asset_mint":"USDC","amount":50000000}""", CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            await tools.InvokeAsync(ToolNames.GetAccountBalance, """{"pubkey":"USER_WALLET_PUBKEY"}""", CancellationToken.None);
        }

        var call = await tools.InvokeAsync(ToolNames.GetJupiterLendEarnPosition, """{"user_pubkey":"USER_WALLET_PUBKEY","operation":"both"}""", CancellationToken.None);

        Assert.True(call.Success, call.Error?.Message);
        using var result = JsonDocument.Parse(call.ResultJson!);
        var positions = result.RootElement.GetProperty("positions");
        Assert.Equal(1, positions.GetProperty("total_positions").GetInt32());
        var position = positions.GetProperty("summary")[0];
        Assert.Equal("jlUSDC", position.GetProperty("token").GetProperty("symbol").GetString());
        Assert.True(position.GetProperty("shares").GetUInt64() > 0);
        Assert.Equal(5.2, position.GetProperty("rates").GetProperty("supply_rate_pct").GetDouble());
        var earned = result.RootElement.GetProperty("earnings").GetProperty("positions")[0];
        Assert.InRange(earned.GetProperty("net_deposited").GetUInt64(), 49_999_990UL, 50_000_000UL);
    }

    [Fact]
    public async Task LendTokens_ListsThePoolsWithRates()
    {
        var (tools, _) = Tools();

        var call = await tools.InvokeAsync(ToolNames.GetJupiterLendEarnTokens, "", CancellationToken.None);

        using var result = JsonDocument.Parse(call.ResultJson!);
        Assert.Equal(3, result.RootElement.GetProperty("count").GetInt32());
        Assert.Contains(result.RootElement.GetProperty("tokens").EnumerateArray(), t => t.GetProperty("address").GetString() == TokenCatalog.JlUsdcMint);
    }

    [Fact]
    public void Definitions_EveryReferenceToolHasAnObjectSchema()
    {
        Assert.Equal(ToolNames.All, ToolCatalog.Definitions.Select(d => d.Name));
        foreach (var definition in ToolCatalog.Definitions)
        {
            using var schema = JsonDocument.Parse(definition.ParametersSchema);
            Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
        }
    }

    [Fact]
    public void Classification_TransientAndTimeoutRetryable_FundsAndInputPermanent()
    {
        Assert.True(FlowErrors.Create(FlowErrorKind.Transient, "x").Retryable);
        Assert.True(FlowErrors.Create(FlowErrorKind.Timeout, "x").Retryable);
        Assert.False(FlowErrors.Create(FlowErrorKind.InsufficientFunds, "x").Retryable);
        Assert.False(FlowErrors.Create(FlowErrorKind.SlippageExceeded, "x").Retryable);
        Assert.Equal(RecoveryHint.ReduceAmount, FlowErrors.Create(FlowErrorKind.SlippageExceeded, "x").Hint);
        Assert.Equal(RecoveryHint.AlternateVenue, FlowErrors.Create(FlowErrorKind.VenueUnavailable, "x").Hint);
        Assert.False(FlowErrors.Create(FlowErrorKind.InvalidMint, "x").Retryable);
        Assert.False(FlowErrors.Create(FlowErrorKind.SameInputOutputMint, "x").Retryable);
        Assert.False(FlowErrors.Create(FlowErrorKind.InvalidAmount, "x").Retryable);
    }
}

public sealed class ToolJournalReplayTests
{
    private const string SwapSolToUsdc = """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"SOL","output_mint":"USDC","amount":100000000}""";

    [Fact]
    public async Task A_journaled_call_is_replayed_for_the_same_assets_whatever_the_amount_and_not_for_others()
    {
        var fixture = StepFixture.Prepare("100-jup-swap-sol-usdc");
        var first = new ToolInvoker(SimulatedLedger.FromSnapshot(fixture.Flow.InitialLedger), fixture.Flow.KeyMap);
        var made = await first.InvokeAsync(ToolNames.JupiterSwap, SwapSolToUsdc, CancellationToken.None);
        Assert.True(made.Success, made.Error?.Message);
        var journal = ToolJournal.From(null, fixture.Flow.InitialLedger, [(first.Calls, first.Ledger.Transactions)]);
        Assert.NotNull(journal);
        var after = first.Ledger.ToSnapshot();

        var retry = new ToolInvoker(SimulatedLedger.FromSnapshot(after), fixture.Flow.KeyMap, journal: journal);
        var other = await retry.InvokeAsync(ToolNames.JupiterSwap, """{"user_pubkey":"USER_WALLET_PUBKEY","input_mint":"USDC","output_mint":"SOL","amount":1000}""", CancellationToken.None);
        var same = await retry.InvokeAsync(ToolNames.JupiterSwap, """{"amount":50000000,"output_mint":"USDC","input_mint":"SOL","user_pubkey":"USER_WALLET_PUBKEY"}""", CancellationToken.None);
        var again = await retry.InvokeAsync(ToolNames.JupiterSwap, SwapSolToUsdc, CancellationToken.None);

        Assert.False(other.Replayed); // other assets: run for real
        Assert.True(same.Replayed); // same assets, another amount: the swap already made answers
        Assert.Equal(made.Signatures, same.Signatures);
        Assert.Equal(made.ResultJson, same.ResultJson);
        Assert.False(again.Replayed); // one journaled swap stands for one call only
        Assert.Equal(retry.Ledger.Transactions.Count, other.Signatures.Count + again.Signatures.Count);
    }
}
