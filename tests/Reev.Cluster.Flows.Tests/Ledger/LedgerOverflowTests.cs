using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Tests.Ledger;

/// <summary>A balance that would pass 2^64 - 1 fails the transaction (or the file) instead of wrapping.</summary>
public sealed class LedgerOverflowTests
{
    private static readonly string Sender = Key(1);
    private static readonly string Recipient = Key(2);

    [Fact]
    public void SystemTransfer_ToAccountAtU64Max_FailsAsOverflowAndRollsBack()
    {
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(Sender, 1_000_000_000);
        ledger.SetSystemAccount(Recipient, ulong.MaxValue);

        var result = ledger.Execute(Sender, [LedgerInstructions.SystemTransfer(Sender, Recipient, 100_000_000)]);

        Assert.False(result.Succeeded);
        Assert.Equal(FlowErrorKind.InvalidAmount, result.Failure!.Kind);
        Assert.False(result.Failure.Retryable);
        Assert.Contains("operation overflowed", result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(ulong.MaxValue, ledger.LamportsOf(Recipient));
        Assert.Equal(1_000_000_000 - SimulatedLedger.SignatureFee, ledger.LamportsOf(Sender));
    }

    [Fact]
    public void TokenTransfer_ToAccountAtU64Max_FailsAsOverflowAndRollsBack()
    {
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(Sender, 1_000_000_000);
        var source = AssociatedTokenAddress.Derive(Sender, TokenCatalog.UsdcMint);
        var destination = AssociatedTokenAddress.Derive(Recipient, TokenCatalog.UsdcMint);
        ledger.SetTokenAccount(source, TokenCatalog.UsdcMint, Sender, 5_000_000);
        ledger.SetTokenAccount(destination, TokenCatalog.UsdcMint, Recipient, ulong.MaxValue - 1);

        var result = ledger.Execute(Sender, [LedgerInstructions.TokenTransfer(source, destination, Sender, 2)]);

        Assert.False(result.Succeeded);
        Assert.Contains("operation overflowed", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(ulong.MaxValue - 1, ledger.TokenAmountOf(destination));
        Assert.Equal(5_000_000UL, ledger.TokenAmountOf(source));
    }

    [Fact]
    public void LendRedeem_SolBackToWalletAtU64Max_FailsAsOverflowAndKeepsTheShares()
    {
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(Sender, ulong.MaxValue - 1_000_000);
        ledger.SeedLendingShares(Sender, TokenCatalog.JlSolMint, 1_000_000_000);

        var result = ledger.Execute(Sender, [LedgerInstructions.Lend("redeem", Sender, TokenCatalog.SolMint, TokenCatalog.JlSolMint, 1_000_000_000)]);

        Assert.False(result.Succeeded);
        Assert.Contains("operation overflowed", result.Failure!.Message, StringComparison.Ordinal);
        Assert.Equal(1_000_000_000UL, ledger.TokenBalanceOf(Sender, TokenCatalog.JlSolMint));
    }

    [Fact]
    public void TokenBalanceOf_TwoAccountsSummingPastU64_SaturatesInsteadOfWrapping()
    {
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetTokenAccount(AssociatedTokenAddress.Derive(Sender, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, Sender, ulong.MaxValue - 5);
        ledger.SetTokenAccount(Recipient, TokenCatalog.UsdcMint, Sender, 10);

        Assert.Equal(ulong.MaxValue, ledger.TokenBalanceOf(Sender, TokenCatalog.UsdcMint));
    }

    [Fact]
    public void Prepare_ShareAccountPastThePoolsU64Total_ErrorNamesTheEntry()
    {
        const string Yaml = """
            id: share-overflow
            description: too many shares
            tags: ["lend"]
            initial_state:
              - pubkey: "USER_WALLET_PUBKEY"
                owner: "11111111111111111111111111111111"
                lamports: 1000000000
              - pubkey: "USER_JLUSDC_ATA"
                owner: "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
                lamports: 2039280
                data:
                  mint: "9BEcn9aPEmhSPbPQeFGjidRiEKki46fVQDyPpSQXPA2D"
                  owner: "USER_WALLET_PUBKEY"
                  amount: "18446744073709551615"
            prompt: "withdraw everything"
            ground_truth:
              min_score: 0.5
            """;
        var loaded = FlowFileLoader.Parse(Yaml, "share-overflow.yml");
        Assert.True(loaded.IsSuccess, loaded.Error?.ToString());

        var prepared = FlowPreparation.Prepare(loaded.Document!, 1, loaded.SourceMap);

        Assert.False(prepared.IsSuccess);
        Assert.Equal("initial_state[1]", prepared.Error!.Field);
        Assert.Equal(8, prepared.Error.Line);
        Assert.Contains("USER_JLUSDC_ATA", prepared.Error.Message, StringComparison.Ordinal);
        Assert.Contains("past 18446744073709551615", prepared.Error.Message, StringComparison.Ordinal);
    }

    private static string Key(byte seed) => Base58.Encode(Enumerable.Repeat(seed, 32).ToArray());
}
