using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Hosting;
using Reev.Cluster.Planning.Plans;
using Reev.Cluster.Planning.Tests.Support;

namespace Reev.Cluster.Planning.Tests.Hosting;

public sealed class PlanningRegistrationTests
{
    [Fact]
    public async Task AddReevPlanning_ResolvesAPlannerThatUsesTheRegisteredClockAndConfiguration()
    {
        var clock = new ManualTimeProvider(PlannerFixture.Start);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Reev:Planning:IncludeBalanceCheck"] = "false" })
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(clock)
            .AddReevPlanning();
        await using var provider = services.BuildServiceProvider();
        var planner = provider.GetRequiredService<PromptPlanner>();
        var wallet = Wallets.Address("hosted");

        var result = await planner.PlanAsync(new PlanRequest("swap 0.1 SOL to USDC", wallet, Wallets.Ledger(wallet, Wallets.LamportsPerSol)), PlanningMode.Direct, CancellationToken.None);

        Assert.True(result.IsSuccess, result.Error.ToString());
        Assert.Equal(Flows.Tools.ToolNames.JupiterSwap, Assert.Single(result.Flow.Plan.Steps).Tool);
        Assert.Equal(PlannerFixture.Start, result.Flow.Plan.CreatedAt);
        Assert.Same(planner, provider.GetRequiredService<PromptPlanner>());
    }

    [Fact]
    public void AddReevPlanning_ZeroTtl_FailsValidation()
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddReevPlanning(static o => o.PriceCacheTtl = TimeSpan.Zero);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PlanningOptions>>().Value);

        Assert.Contains(nameof(PlanningOptions.PriceCacheTtl), error.Message, StringComparison.Ordinal);
    }
}
