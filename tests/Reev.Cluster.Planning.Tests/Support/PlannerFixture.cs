using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Planning.Tests.Support;

/// <summary>A planner on a manual clock, with helpers that plan for a named wallet.</summary>
public sealed class PlannerFixture
{
    public static readonly DateTimeOffset Start = new(2025, 11, 1, 12, 0, 0, TimeSpan.Zero);

    public PlannerFixture(PlanningOptions? options = null)
    {
        Clock = new ManualTimeProvider(Start);
        Planner = PromptPlanner.Create(Clock, options);
    }

    public ManualTimeProvider Clock { get; }

    public PromptPlanner Planner { get; }

    public string Wallet { get; } = Wallets.Address("planner-test-wallet");

    public LedgerSnapshot SolWallet(decimal sol, params (string Mint, ulong Amount)[] tokens) =>
        Wallets.Ledger(Wallet, (ulong)(sol * Wallets.LamportsPerSol), tokens);

    public PlanResult Plan(string prompt, LedgerSnapshot ledger) => Planner.Plan(new PlanRequest(prompt, Wallet, ledger));

    public async Task<PlannedFlow> PlanFlowAsync(string prompt, LedgerSnapshot ledger, PlanningMode mode, string? planId = null)
    {
        var result = await Planner.PlanAsync(new PlanRequest(prompt, Wallet, ledger, planId), mode, CancellationToken.None);
        Assert.True(result.IsSuccess, $"planning \"{prompt}\" in {mode} mode was rejected: {result.Error}");
        return result.Flow;
    }
}
