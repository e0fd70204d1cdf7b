using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;
using Reev.Cluster.Planning.Diagnostics;
using Reev.Cluster.Planning.Templates;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Templates;

public sealed class TemplateEngineTests : IDisposable
{
    private readonly PlanningMetrics _metrics = new();
    private readonly ContextResolver _resolver;
    private readonly TemplateEngine _engine;

    public TemplateEngineTests()
    {
        _resolver = new ContextResolver(new ManualTimeProvider(PlannerFixture.Start), _metrics);
        _engine = new TemplateEngine(_resolver, _metrics);
    }

    [Fact]
    public void Names_ThreeLayers_AreRegistered()
    {
        Assert.Contains(TemplateNames.BaseSwap, _engine.Names);
        Assert.Contains(TemplateNames.JupiterSwap, _engine.Names);
        Assert.Contains(TemplateNames.SwapThenLend, _engine.Names);
        Assert.Contains(TemplateNames.FlowYaml, _engine.Names);
    }

    [Fact]
    public void Render_ProtocolTemplate_IncludesTheBasePartial()
    {
        var text = _engine.Render(TemplateNames.JupiterSwap, SwapData("0.1", null));

        Assert.StartsWith("Swap 0.1 SOL for USDC using Jupiter.", text, StringComparison.Ordinal);
        Assert.Contains("300 basis points", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Scenario_IncludesBaseAndProtocolPartialsAndHelpers()
    {
        var wallet = _resolver.Resolve(Wallets.Ledger(Wallets.Address("w"), 5 * Wallets.LamportsPerSol), Wallets.Address("w"));
        var swap = SwapData("1", null);
        swap["index"] = 2;
        var lend = SwapData(null, 2);
        lend["index"] = 3;
        lend["token"] = "USDC";
        lend["source"] = "the swap";

        var text = _engine.Render(TemplateNames.SwapThenLend, new Dictionary<string, object?> { ["wallet"] = wallet, ["swap"] = swap, ["lend"] = lend });

        Assert.Contains("$750.00", text, StringComparison.Ordinal);
        Assert.Contains("holding 5 SOL", text, StringComparison.Ordinal);
        Assert.Contains("Step 2: Swap 1 SOL for USDC using Jupiter.", text, StringComparison.Ordinal);
        Assert.Contains("Step 3: Deposit all the USDC I received from the swap into Jupiter lending", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_PriceHelper_ReadsTheOracleThroughTheResolverCache()
    {
        var before = _resolver.PriceCache;

        var text = _engine.Render(TemplateNames.BaseDescription, DescriptionData());

        Assert.Contains("at 150.00 USD per SOL", text, StringComparison.Ordinal);
        Assert.Contains("about $15.00", text, StringComparison.Ordinal);
        Assert.Equal(before.Lookups + 1, _resolver.PriceCache.Lookups);
    }

    [Fact]
    public void Render_SameTemplateThousandTimes_CompilesOnceAndReportsHitRate()
    {
        var data = SwapData("0.1", null);
        var first = _engine.Render(TemplateNames.JupiterSwap, data);

        for (var i = 1; i < 1000; i++)
        {
            Assert.Equal(first, _engine.Render(TemplateNames.JupiterSwap, data));
        }

        Assert.Equal(1, _engine.Compilations);
        Assert.Equal(new CacheStatistics(999, 1), _engine.CacheStatistics);
        Assert.Equal(0.999, _engine.CacheStatistics.HitRate, precision: 6);
    }

    [Fact]
    public void Render_MissingVariable_FailsInsteadOfRenderingEmpty()
    {
        var data = SwapData("0.1", null);
        data.Remove("to");

        Assert.Throws<HandlebarsDotNet.Compiler.HandlebarsUndefinedBindingException>(() => _engine.Render(TemplateNames.BaseSwap, data));
    }

    [Fact]
    public void Render_UnknownTemplate_NamesTheKnownOnes()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => _engine.Render("base/nope", new Dictionary<string, object?>()));

        Assert.Contains(TemplateNames.BaseSwap, error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> SwapData(string? amount, int? fromStep) => new()
    {
        ["amount"] = amount,
        ["token"] = "SOL",
        ["from"] = "SOL",
        ["to"] = "USDC",
        ["from_step"] = fromStep,
        ["source"] = null,
        ["wallet_account"] = "USER_WALLET_PUBKEY",
        ["to_account"] = "USER_USDC_ATA",
        ["slippage_bps"] = 300,
    };

    private static Dictionary<string, object?> DescriptionData() => new()
    {
        ["title"] = "Swap SOL to USDC on Jupiter",
        ["amount"] = "0.1",
        ["token"] = "SOL",
        ["value_usd"] = 15m,
        ["estimate"] = null,
        ["minimum"] = null,
        ["to"] = "USDC",
        ["slippage_bps"] = 300,
        ["from_step"] = null,
    };

    public void Dispose() => _metrics.Dispose();
}
