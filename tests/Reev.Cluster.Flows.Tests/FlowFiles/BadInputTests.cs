using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Running;

namespace Reev.Cluster.Flows.Tests.FlowFiles;

/// <summary>Bad flow files get an error naming the file, the line and the field; nothing throws.</summary>
public sealed class BadInputTests
{
    private const string Valid = """
        id: bad-input
        description: a transfer
        tags: ["transfer"]
        initial_state:
          - pubkey: "USER_WALLET_PUBKEY"
            owner: "11111111111111111111111111111111"
            lamports: 1000000000
          - pubkey: "USER_USDC_ATA"
            owner: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
            lamports: 2039280
            data:
              mint: "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v"
              owner: "USER_WALLET_PUBKEY"
              amount: "50000000"
        prompt: "send 1 USDC to RECIPIENT_WALLET_PUBKEY"
        ground_truth:
          final_state_assertions:
            - type: TokenAccountBalance
              pubkey: "USER_USDC_ATA"
              expected: 49000000
              weight: 1.0
        """;

    [Fact]
    public void Parse_ValidBase_Loads()
    {
        var result = FlowFileLoader.Parse(Valid, "bad-input.yml");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(2, result.Document!.InitialState.Count);
    }

    [Theory]
    [InlineData("tags: [\"transfer\"]", "tags: [\"transfer\"", 3, "(yaml)", "malformed YAML")]
    [InlineData("type: TokenAccountBalance", "type: TokenBalanceish", 18, "ground_truth.final_state_assertions[0].type", "unknown assertion type \"TokenBalanceish\"")]
    [InlineData("amount: \"50000000\"", "amount: \"-5\"", 14, "initial_state[1].data.amount", "must not be negative")]
    [InlineData("amount: \"50000000\"", "amount: \"fifty\"", 14, "initial_state[1].data.amount", "whole number of base units")]
    [InlineData("lamports: 1000000000", "lamports: lots", 7, "initial_state[0].lamports", "whole number of base units")]
    [InlineData("expected: 49000000", "expected: -1", 20, "ground_truth.final_state_assertions[0].expected", "must not be negative")]
    [InlineData("mint: \"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v\"", "mint: \"DRiP2Pn2K6fuMLKQmt5rZWyHiUZ6WK3GChEySUpHSS4x\"", 12, "initial_state[1].data.mint", "unknown mint")]
    [InlineData("pubkey: \"USER_WALLET_PUBKEY\"", "pubkey: \"0xDEADBEEF\"", 5, "initial_state[0].pubkey", "neither a placeholder")]
    [InlineData("owner: \"11111111111111111111111111111111\"", "owner: \"System-Program!\"", 6, "initial_state[0].owner", "base58")]
    [InlineData("prompt: \"send 1 USDC to RECIPIENT_WALLET_PUBKEY\"", "prompt: [1, 2]", 15, "prompt", "single value")]
    [InlineData("weight: 1.0", "weight: heavy", 21, "ground_truth.final_state_assertions[0].weight", "non-negative number")]
    [InlineData("prompt: \"send 1 USDC", "prompt: \"send\\0 1 USDC", 15, "prompt", "NUL character")]
    [InlineData("weight: 1.0", "weight: 1.7e308", 21, "ground_truth.final_state_assertions[0].weight", "at most 1000000")]
    [InlineData("weight: 1.0", "weight: .inf", 21, "ground_truth.final_state_assertions[0].weight", "non-negative number")]
    [InlineData("weight: 1.0", "weight: NaN", 21, "ground_truth.final_state_assertions[0].weight", "non-negative number")]
    [InlineData("ground_truth:\n", "ground_truth:\n  min_score: NaN\n", 17, "ground_truth.min_score", "in [0, 1]")]
    [InlineData("ground_truth:\n", "ground_truth:\n  min_score: Infinity\n", 17, "ground_truth.min_score", "in [0, 1]")]
    public void Parse_BadField_ErrorNamesFileLineAndField(string find, string replace, int line, string field, string message)
    {
        var yaml = Valid.Replace(find, replace, StringComparison.Ordinal);

        var result = FlowFileLoader.Parse(yaml, "bad-input.yml");

        Assert.False(result.IsSuccess);
        var error = result.Error!;
        Assert.Equal("bad-input.yml", error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"bad-input.yml:{line}:", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5000000")]
    [InlineData("86401")]
    [InlineData("0")]
    public void Parse_StepTimeoutOutsideOneDay_ErrorNamesTheStepsTimeout(string timeout)
    {
        var yaml = Valid.Replace("ground_truth:", $"flow:\n  - step: 1\n    description: send\n    prompt: send 1 USDC\n    timeout: {timeout}\nground_truth:", StringComparison.Ordinal);

        var result = FlowFileLoader.Parse(yaml, "timeout.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal("flow[0].timeout", result.Error!.Field);
        Assert.Equal(20, result.Error.Line);
        Assert.Contains("from 1 to 86400", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_StepTimeoutOfADay_Loads()
    {
        var yaml = Valid.Replace("ground_truth:", "flow:\n  - step: 1\n    description: send\n    prompt: send 1 USDC\n    timeout: 86400\nground_truth:", StringComparison.Ordinal);

        var result = FlowFileLoader.Parse(yaml, "timeout.yml");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(86_400, Assert.Single(result.Document!.Flow).TimeoutSeconds);
    }

    [Fact]
    public void Parse_MissingRequiredField_NamesIt()
    {
        var result = FlowFileLoader.Parse(Valid.Replace("description: a transfer\n", "", StringComparison.Ordinal), "x.yml");

        Assert.Equal("description", result.Error!.Field);
        Assert.Contains("required field \"description\" is missing", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_AssertionOnUndeclaredPlaceholder_MissingPlaceholderWithLine()
    {
        var yaml = Valid.Replace("pubkey: \"USER_USDC_ATA\"\n      expected", "pubkey: \"TREASURY_WALLET_PUBKEY\"\n      expected", StringComparison.Ordinal);
        var loaded = FlowFileLoader.Parse(yaml, "bad-input.yml");
        Assert.True(loaded.IsSuccess, loaded.Error?.ToString());

        var prepared = FlowPreparation.Prepare(loaded.Document!, 1, loaded.SourceMap);

        Assert.False(prepared.IsSuccess);
        Assert.Equal("ground_truth.final_state_assertions[0].pubkey", prepared.Error!.Field);
        Assert.Equal(19, prepared.Error.Line);
        Assert.Contains("missing placeholder: \"TREASURY_WALLET_PUBKEY\"", prepared.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Prepare_TokenAccountOwnedByUndeclaredWallet_MissingPlaceholder()
    {
        var yaml = Valid.Replace("owner: \"USER_WALLET_PUBKEY\"", "owner: \"GHOST_WALLET_PUBKEY\"", StringComparison.Ordinal);
        var loaded = FlowFileLoader.Parse(yaml, "bad-input.yml");

        var prepared = FlowPreparation.Prepare(loaded.Document!, 1, loaded.SourceMap);

        Assert.Equal("initial_state[1].data.owner", prepared.Error!.Field);
        Assert.Contains("GHOST_WALLET_PUBKEY", prepared.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("just a string")]
    [InlineData("- a\n- list")]
    [InlineData("id: [unclosed")]
    [InlineData("\t\tid: x\n  - : :")]
    public void Parse_Garbage_ErrorNotException(string yaml)
    {
        var result = FlowFileLoader.Parse(yaml, "garbage.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal("garbage.yml", result.Error!.File);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
    }

    [Fact]
    public void Parse_AliasBombInAnExtra_ErrorNamesTheExtraNotGigabytesOfJson()
    {
        // Seven levels of ten aliases: 10^7 leaves, 47 MB of JSON before the expansion was bounded.
        var bomb = new System.Text.StringBuilder("bomb:\n  l0: &l0 [\"lol\"]\n");
        for (var level = 1; level <= 7; level++)
        {
            bomb.Append($"  l{level}: &l{level} [").AppendJoin(",", Enumerable.Repeat($"*l{level - 1}", 10)).Append("]\n");
        }

        var result = FlowFileLoader.Parse(Valid + "\n" + bomb, "bomb.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal("bomb.yml", result.Error!.File);
        Assert.Equal("bomb", result.Error.Field);
        Assert.True(result.Error.Line > 20, result.Error.ToString());
        Assert.Contains("aliases count in full", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_AliasesWithinTheBudget_KeepTheirExpandedValue()
    {
        var result = FlowFileLoader.Parse(Valid + "\nshared: {a: &x [1, 2], b: *x}\n", "alias.yml");

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal("{\"a\":[1,2],\"b\":[1,2]}", Assert.Single(result.Document!.Extras).Json);
    }

    [Theory]
    [InlineData("extra: &a [*a]", "extra", "alias refers to itself")]
    [InlineData("extra: {? [a, b] : c}", "extra", "a key must be a single value")]
    [InlineData("? [a, b]\n: c", "(key)", "a key must be a single value")]
    public void Parse_ExtraThatCannotBeJson_ErrorWithPosition(string extra, string field, string message)
    {
        var result = FlowFileLoader.Parse(Valid + "\n" + extra + "\n", "extra.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal(field, result.Error!.Field);
        Assert.True(result.Error.Line >= 22, result.Error.ToString());
        Assert.Contains(message, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExtraNested80Deep_ErrorNamesTheExtra()
    {
        var result = FlowFileLoader.Parse(Valid + "\nextra: " + new string('[', 80) + new string(']', 80) + "\n", "deep.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal("extra", result.Error!.Field);
        Assert.Equal(22, result.Error.Line);
        Assert.Contains("deeper than 64 levels", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_200000NestedBrackets_ErrorInsteadOfAStackOverflow()
    {
        var result = FlowFileLoader.Parse(Valid + "\nextra: " + new string('[', 200_000) + new string(']', 200_000) + "\n", "deep.yml");

        Assert.False(result.IsSuccess);
        Assert.Equal("(yaml)", result.Error!.Field);
        Assert.Equal(22, result.Error.Line);
        Assert.Contains("nests deeper than 100 levels", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MissingFile_ErrorResult()
    {
        var result = await FlowFileLoader.LoadAsync("/nonexistent/flow.yml", CancellationToken.None);

        Assert.False(result.IsSuccess);
        Assert.Contains("cannot read the file", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoadAsync_MalformedFile_ErrorNamesThePathAsGivenRelativeOrAbsolute()
    {
        var folder = Directory.CreateTempSubdirectory("reev-flows-path-");
        var file = Path.Combine(folder.FullName, "bad.yml");
        await File.WriteAllTextAsync(file, "id: bad\ndescription: broken\ntags: [a, b\n");
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), file);
        try
        {
            var absolute = await FlowFileLoader.LoadAsync(file, CancellationToken.None);
            var relativeResult = FlowFileLoader.Load(relative);
            var named = await FlowFileLoader.LoadAsync(file, "bad.yml", CancellationToken.None);

            Assert.Equal(file, absolute.Error!.File);
            Assert.StartsWith($"{file}:{absolute.Error.Line}:", absolute.Error.ToString(), StringComparison.Ordinal);
            Assert.True(absolute.Error.Line > 0, absolute.Error.ToString());
            Assert.False(Path.IsPathRooted(relative), relative);
            Assert.Equal(relative, relativeResult.Error!.File);
            Assert.StartsWith($"{relative}:{relativeResult.Error.Line}:", relativeResult.Error.ToString(), StringComparison.Ordinal);
            Assert.Equal("bad.yml", named.Error!.File);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LoadAsync_Directory_SaysItIsADirectoryNotAFlowFile()
    {
        var folder = Directory.CreateTempSubdirectory("reev-flows-dir-");
        try
        {
            var result = await FlowFileLoader.LoadAsync(folder.FullName, CancellationToken.None);

            Assert.False(result.IsSuccess);
            Assert.Equal(folder.FullName, result.Error!.File);
            Assert.Equal("a directory, not a flow file", result.Error.Message);
        }
        finally
        {
            folder.Delete();
        }
    }

    [Fact]
    public void Load_304PositionEntry_IsReadAsJlUsdcSharesOfTheWallet()
    {
        var document = BenchmarkFiles.Load("304-emergency-exit-strategy");
        var prepared = FlowPreparation.Prepare(document, 3);

        var entry = Assert.Single(document.InitialState, i => i.LendingPosition is not null);
        Assert.Equal(120_000_000UL, entry.LendingPosition!.Shares);
        var wallet = prepared.Flow!.KeyMap.Resolve("USER_WALLET_PUBKEY");
        var share = prepared.Flow.InitialLedger.Find(Reev.Cluster.Flows.Ledger.AssociatedTokenAddress.Derive(wallet, Reev.Cluster.Flows.Ledger.TokenCatalog.JlUsdcMint));
        Assert.Equal(120_000_000UL, share!.Token!.Amount);
        Assert.Equal(2_000_000_000UL, prepared.Flow.InitialLedger.LamportsOf(wallet));
    }

    [Fact]
    public void WriteThenParse_EveryReferenceFile_RoundTripsToAnEqualDocument()
    {
        foreach (var file in Directory.GetFiles(BenchmarkFiles.Directory, "*.yml"))
        {
            var document = FlowFileLoader.Load(file).Document!;

            var again = FlowFileLoader.Parse(FlowDocumentWriter.Write(document), Path.GetFileName(file));

            Assert.True(again.IsSuccess, $"{file}: {again.Error}");
            Assert.Equal(document, again.Document);
        }
    }
}
