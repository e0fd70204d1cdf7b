using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Templates;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Plans;

/// <summary>The reference hard-coded SOL at 150 USD; the planner uses the resolved price.</summary>
public sealed class PriceSourceTests
{
    [Fact]
    public void Plan_SolPricedAt200_EstimatesAndMultiplierTargetsFollowTheResolvedPrice()
    {
        var clock = new ManualTimeProvider(PlannerFixture.Start);
        using var metrics = new PlanningMetrics();
        var resolver = new ContextResolver(clock, metrics, prices: new FixedPrices(200m));
        var planner = new PromptPlanner(resolver, new TemplateEngine(resolver, metrics), metrics, clock);
        var wallet = Wallets.Address("priced");
        var ledger = Wallets.Ledger(wallet, 4 * Wallets.LamportsPerSol, (TokenCatalog.UsdcMint, 20_000_000));

        var swap = planner.Plan(new PlanRequest("swap 1 SOL to USDC", wallet, ledger));
        var multiply = planner.Plan(new PlanRequest("use my SOL to multiply usdc 1.5x", wallet, ledger));

        Assert.True(swap.IsSuccess, swap.Error.ToString());
        Assert.Contains("expect about 200 USDC", Assert.Single(swap.Plan.ActionSteps).Description, StringComparison.Ordinal);
        Assert.True(multiply.IsSuccess, multiply.Error.ToString());

        // 1.5x of 20 USDC needs 10 USDC: 0.05 SOL at 200 USD.
        Assert.Equal("50000000", multiply.Plan.ActionSteps[0].Argument("amount"));
    }

    private sealed class FixedPrices(decimal solPrice) : IPriceSource
    {
        public bool TryGetPriceUsd(string mint, out decimal priceUsd)
        {
            priceUsd = mint == TokenCatalog.SolMint ? solPrice : TokenCatalog.FindByMint(mint)?.PriceUsd ?? 0m;
            return priceUsd > 0;
        }
    }
}
