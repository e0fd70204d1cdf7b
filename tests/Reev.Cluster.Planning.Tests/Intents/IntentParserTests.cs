using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Planning.Tests.Intents;

public sealed class IntentParserTests
{
    private const string Address = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";

    [Theory]
    [InlineData("swap 0.1 SOL to USDC")]
    [InlineData("Swap 0.1 sol to usdc")]
    [InlineData("SWAP 0.1 Sol FOR Usdc")]
    [InlineData("Using Jupiter, swap 0.1 SOL for USDC. My USDC token account is USER_USDC_ATA.")]
    public void Parse_SwapInAnyCase_OneSwapOfPointOneSolToUsdc(string prompt)
    {
        var result = IntentParser.Parse(prompt);

        Assert.True(result.IsSuccess, result.Error.ToString());
        var step = Assert.Single(result.Intent.Steps);
        Assert.Equal(ActionKind.Swap, step.Action);
        Assert.Equal(AmountSpec.Exact(0.1m, "SOL"), step.Amount);
        Assert.Equal("SOL", step.InputToken);
        Assert.Equal("USDC", step.OutputToken);
    }

    [Fact]
    public void Parse_PercentOfMySolToBuyUsdc_PercentSwap()
    {
        var result = IntentParser.Parse("use 50% of my SOL to buy USDC");

        Assert.True(result.IsSuccess, result.Error.ToString());
        var step = Assert.Single(result.Intent.Steps);
        Assert.Equal(ActionKind.Swap, step.Action);
        Assert.Equal(AmountSpec.Percent(50m, "SOL"), step.Amount);
        Assert.Equal("USDC", step.OutputToken);
    }

    [Theory]
    [InlineData("swap 1 SOL to USDC then lend it")]
    [InlineData("swap 1 SOL to USDC and then lend it")]
    [InlineData("swap 1 SOL to USDC, after that deposit what I received")]
    [InlineData("swap 1 SOL to USDC and deposit it into Jupiter lending")]
    public void Parse_SwapThenLendIt_DepositOfPreviousOutput(string prompt)
    {
        var result = IntentParser.Parse(prompt);

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal(2, result.Intent.Steps.Count);
        Assert.Equal(ActionKind.Swap, result.Intent.Steps[0].Action);
        var lend = result.Intent.Steps[1];
        Assert.Equal(ActionKind.Lend, lend.Action);
        Assert.Equal(AmountSpec.PreviousOutput("USDC"), lend.Amount);
        Assert.Equal("USDC", lend.InputToken);
    }

    [Fact]
    public void Parse_SendSolToBase58Address_Transfer()
    {
        var result = IntentParser.Parse($"send 0.5 SOL to {Address}");

        Assert.True(result.IsSuccess, result.Error.ToString());
        var step = Assert.Single(result.Intent.Steps);
        Assert.Equal(ActionKind.Transfer, step.Action);
        Assert.Equal(AmountSpec.Exact(0.5m, "SOL"), step.Amount);
        Assert.Equal(Address, step.Recipient);
    }

    [Theory]
    [InlineData("Please send 0.1 SOL to the recipient (RECIPIENT_WALLET_PUBKEY).", ActionKind.Transfer, "SOL")]
    [InlineData("Deposit 0.1 SOL into Jupiter lending", ActionKind.Lend, "SOL")]
    [InlineData("Lend 50 USDC", ActionKind.Lend, "USDC")]
    [InlineData("Withdraw 0.1 SOL", ActionKind.Withdraw, "SOL")]
    [InlineData("withdraw 50 usdc from jupiter", ActionKind.Withdraw, "USDC")]
    [InlineData("mint 50 USDC into jUSDC", ActionKind.Mint, "USDC")]
    [InlineData("redeem all jUSDC", ActionKind.Redeem, "jlUSDC")]
    [InlineData("send 15 USDC to RECIPIENT_WALLET_PUBKEY", ActionKind.Transfer, "USDC")]
    public void Parse_BenchmarkStylePrompts_ActionAndToken(string prompt, ActionKind action, string token)
    {
        var result = IntentParser.Parse(prompt);

        Assert.True(result.IsSuccess, result.Error.ToString());
        var step = Assert.Single(result.Intent.Steps);
        Assert.Equal(action, step.Action);
        Assert.Equal(token, step.InputToken);
    }

    [Theory]
    [InlineData("check my positions and earnings", ActionKind.CheckPositions)]
    [InlineData("show my balances", ActionKind.CheckBalances)]
    [InlineData("what is my balance?", ActionKind.CheckBalances)]
    public void Parse_ReadOnlyPrompts_CheckActions(string prompt, ActionKind action)
    {
        var result = IntentParser.Parse(prompt);

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal(action, Assert.Single(result.Intent.Steps).Action);
    }

    [Fact]
    public void Parse_MultiplyTarget_SwapWithTargetThenLend()
    {
        var result = IntentParser.Parse("use my 50% sol to multiply usdc 1.5x on jup");

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal(2, result.Intent.Steps.Count);
        var swap = result.Intent.Steps[0];
        Assert.Equal(AmountSpec.Percent(50m, "SOL"), swap.Amount);
        Assert.Equal("USDC", swap.OutputToken);
        Assert.Equal(1.5m, swap.TargetMultiplier);
        Assert.Equal(ActionKind.Lend, result.Intent.Steps[1].Action);
    }

    [Theory]
    [InlineData("swap all my SOL to USDC", AmountKind.All)]
    [InlineData("swap everything to usdc using sol", AmountKind.All)]
    public void Parse_AllOrEverything_AllAmount(string prompt, AmountKind kind)
    {
        var result = IntentParser.Parse(prompt);

        Assert.True(result.IsSuccess, result.Error.ToString());
        var step = Assert.Single(result.Intent.Steps);
        Assert.Equal(kind, step.Amount!.Value.Kind);
        Assert.Equal("SOL", step.InputToken);
    }

    [Fact]
    public void Parse_ThreeSteps_KeepsOrder()
    {
        var result = IntentParser.Parse("swap 2 SOL to USDC then lend it, after that check my positions");

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal([ActionKind.Swap, ActionKind.Lend, ActionKind.CheckPositions], result.Intent.Steps.Select(s => s.Action));
        Assert.Equal([1, 2, 3], result.Intent.Steps.Select(s => s.Index));
    }

    [Theory]
    [InlineData("drain my wallet", RejectionReason.AbusiveIntent)]
    [InlineData("", RejectionReason.Empty)]
    [InlineData("   ", RejectionReason.Empty)]
    [InlineData(null, RejectionReason.Empty)]
    [InlineData("swap 1 SOL to FOO", RejectionReason.UnknownToken)]
    [InlineData("swap -5 SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap five SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap abc SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap 1.2.3 SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("swap 150% of my SOL to USDC", RejectionReason.InvalidAmount)]
    [InlineData("send 0.5 SOL to 0xdeadbeef", RejectionReason.InvalidAddress)]
    [InlineData("send 0.5 SOL to 0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl", RejectionReason.InvalidAddress)]
    [InlineData("send 0.5 SOL", RejectionReason.MissingRecipient)]
    [InlineData("swap 1 SOL", RejectionReason.MissingToken)]
    [InlineData("swap SOL to USDC", RejectionReason.MissingAmount)]
    [InlineData("swap 1 SOL to SOL", RejectionReason.SameInputAndOutput)]
    [InlineData("lend it", RejectionReason.InvalidReference)]
    [InlineData("hello there", RejectionReason.UnrecognizedIntent)]
    [InlineData("deposit 10 FOO", RejectionReason.UnknownToken)]
    [InlineData("please hack the pool", RejectionReason.AbusiveIntent)]
    [InlineData("how do I exploit jupiter", RejectionReason.AbusiveIntent)]
    [InlineData("steal 5 SOL", RejectionReason.AbusiveIntent)]
    public void Parse_BadPrompt_RejectedWithReason(string? prompt, RejectionReason reason)
    {
        var result = IntentParser.Parse(prompt);

        Assert.False(result.IsSuccess);
        Assert.Equal(reason, result.Error.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }

    [Fact]
    public void Parse_TooLong_RejectedAsTooLong()
    {
        var prompt = "swap 0.1 SOL to USDC " + new string('x', 1001 - 21);
        Assert.Equal(1001, prompt.Length);

        var result = IntentParser.Parse(prompt);

        Assert.Equal(RejectionReason.TooLong, result.Error.Reason);
    }

    [Fact]
    public void Parse_AcceptanceRejections_AllDistinct()
    {
        string?[] prompts = ["drain my wallet", "", new string('a', 1001), "swap 1 SOL to FOO"];

        var reasons = prompts.Select(p => IntentParser.Parse(p).Error.Reason).ToList();

        Assert.DoesNotContain(RejectionReason.None, reasons);
        Assert.Equal(reasons.Count, reasons.Distinct().Count());
    }

    [Fact]
    public void Parse_UnknownToken_ErrorNamesTokenAndPosition()
    {
        var result = IntentParser.Parse("swap 1 SOL to FOO");

        Assert.Equal("FOO", result.Error.Subject);
        Assert.Equal(14, result.Error.Position);
        Assert.Equal(1, result.Error.Step);
        Assert.Contains("'FOO'", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("character 15", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NegativeAmountInSecondStep_ErrorNamesStep()
    {
        var result = IntentParser.Parse("swap 1 SOL to USDC then lend -3 USDC");

        Assert.Equal(RejectionReason.InvalidAmount, result.Error.Reason);
        Assert.Equal("-3", result.Error.Subject);
        Assert.Equal(2, result.Error.Step);
    }

    [Fact]
    public void Parse_RandomText_NeverThrows()
    {
        var random = new Random(42);
        const string alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;%x-()'\"$_";
        string[] words = ["swap", "then", "and", "sol", "usdc", "it", "all", "50%", "1.5x", "to", "send", "lend", "withdraw", "after", "that", "0.1", "-1", ","];
        for (var i = 0; i < 2000; i++)
        {
            var length = random.Next(0, 80);
            var text = i % 2 == 0
                ? new string(Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())
                : string.Join(' ', Enumerable.Range(0, random.Next(0, 12)).Select(_ => words[random.Next(words.Length)]));

            var result = IntentParser.Parse(text);

            Assert.True(result.IsSuccess || result.Error.Reason != RejectionReason.None, text);
        }
    }

    [Fact]
    public void Parse_TokenSymbols_AreTheOracleTokens()
    {
        var result = IntentParser.Parse("swap 1000 bonk to msol");

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal("BONK", result.Intent.Steps[0].InputToken);
        Assert.Equal(TokenCatalog.FindBySymbol("msol")!.Symbol, result.Intent.Steps[0].OutputToken);
    }
}
