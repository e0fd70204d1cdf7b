using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Bridge;

public static partial class PlanDocuments
{
    /// <summary>
    /// Assertions that hold when the plan ran as intended: the wallet's SOL falls by at most what the plan spends
    /// plus a fee and rent allowance per transaction (when every SOL amount is known at planning time); every token
    /// a step receives and no later step spends ends above its starting balance; a SOL recipient gains the amount sent.
    /// </summary>
    private static EquatableArray<FinalStateAssertion> Assertions(FlowPlan plan, WalletContext context)
    {
        var assertions = new List<FinalStateAssertion>();
        var transacting = plan.Steps.Where(static s => !s.IsCheck).ToList();
        var solSpends = transacting.Where(static s => s.Action is not (ActionKind.Withdraw or ActionKind.Redeem) && s.Amount?.Mint == TokenCatalog.SolMint).ToList();
        var mintsWithSol = transacting.Any(static s => s.Action == ActionKind.Mint && s.Argument("asset") == TokenCatalog.SolMint);
        if (!mintsWithSol && solSpends.All(static s => !s.Amount!.IsDeferred))
        {
            var spent = solSpends.Aggregate(0m, static (sum, s) => sum + s.Amount!.BaseUnits!.Value);
            var allowance = (decimal)(SimulatedLedger.SignatureFee + SimulatedLedger.TokenAccountRent) * transacting.Count;
            assertions.Add(Assertion(AssertionType.SolBalanceChange, PlaceholderNames.Wallet, gte: null, changeGte: -(spent + allowance)));
        }

        foreach (var step in transacting)
        {
            if (Received(step) is not { } received || received.Mint == TokenCatalog.SolMint)
            {
                continue;
            }

            var spentLater = plan.Steps.Any(later => later.Index > step.Index && later.Amount?.Mint == received.Mint
                && later.Action is not (ActionKind.Withdraw or ActionKind.Redeem));
            if (!spentLater && assertions.All(a => a.Pubkey != PlaceholderNames.TokenAccount(received)))
            {
                var initial = context.Tokens.FirstOrDefault(t => t.Mint == received.Mint)?.Amount ?? 0;
                assertions.Add(Assertion(AssertionType.TokenAccountBalance, PlaceholderNames.TokenAccount(received), gte: initial + 1m, changeGte: null));
            }
        }

        foreach (var step in transacting.Where(static s => s.Tool == Flows.Tools.ToolNames.SolTransfer && s.Amount is { IsDeferred: false }))
        {
            assertions.Add(Assertion(AssertionType.SolBalanceChange, step.Argument("recipient_pubkey")!, gte: null, changeGte: step.Amount!.BaseUnits!.Value));
        }

        return new EquatableArray<FinalStateAssertion>(assertions);
    }

    /// <summary>The token a step adds to the wallet.</summary>
    private static TokenInfo? Received(PlannedStep step)
    {
        var asset = (step.Argument("asset_mint") ?? step.Argument("asset")) is { } mint ? TokenCatalog.FindByMint(mint) : null;
        return step.Action switch
        {
            ActionKind.Swap => step.Argument("output_mint") is { } output ? TokenCatalog.FindByMint(output) : null,
            ActionKind.Lend or ActionKind.Mint => asset is null ? null : TokenCatalog.ShareTokenOf(asset.Mint),
            ActionKind.Withdraw or ActionKind.Redeem => asset,
            _ => null,
        };
    }

    private static FinalStateAssertion Assertion(AssertionType type, string pubkey, decimal? gte, decimal? changeGte) =>
        new(type, pubkey, null, null, null, gte, null, changeGte, null, null, null, null, null, 1.0);
}
