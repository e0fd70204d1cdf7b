using System.Text.Json;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Hosting;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>User alternate-flow strategies: registered in the recovery grain, consulted before the playbook, named in the actions.</summary>
public sealed class RecoveryStrategyTests(ITestOutputHelper output)
{
    private const string Swap = "100-jup-swap-sol-usdc";

    [Fact]
    public async Task ChooseAlternates_MatchingStrategy_RunsItsAlternateAndTheActionsNameIt()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);

        // Without a strategy the playbook's default for a slippage error is the reduced amount.
        var before = await host.RunAsync(Flows.Request(Flows.Benchmark(Swap), faults: "slippage@1"));
        Assert.Equal(AlternateKind.ReducedAmount, before.Steps[0].Alternate);

        // A higher-priority strategy whose tool filter does not match must not fire; the regex one must.
        var other = await RegisterAsync(recovery, new RecoveryStrategyDraft { ErrorPattern = "slippage", Tool = "sol_transfer", Alternate = AlternateKind.FreshAttempt, Priority = 10 });
        var rule = await RegisterAsync(recovery, new RecoveryStrategyDraft { ErrorPattern = @"0x17\d\d", PatternKind = StrategyPatternKind.Regex, Tool = "jupiter_swap", Alternate = AlternateKind.SecondVenue });

        var after = await host.RunAsync(Flows.Request(Flows.Benchmark(Swap), faults: "slippage@1"));

        var step = after.Steps[0];
        Assert.True(step.Status == StepRunStatus.Recovered, $"step 1 after the strategy: expected Recovered, got {step.Status} ({step.Error})");
        Assert.Equal(AlternateKind.SecondVenue, step.Alternate);
        var fired = Assert.Single(after.RecoveryActions, a => a.RuleId is not null);
        Assert.Equal(rule.Id, fired.RuleId);
        Assert.Equal("alternate_flow", fired.Strategy);
        Assert.Contains("SecondVenue", fired.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(after.RecoveryActions, a => a.RuleId == other.Id);
        Assert.Contains(after.RecoveryActions, a => a.Strategy == "alternate_flow" && a.Detail.Contains("SecondVenue succeeded", StringComparison.Ordinal) && a.Succeeded == true);
        var events = await host.Client.GetGrain<IExecutionGrain>(after.ExecutionId).ReadEventsAsync(0, 1000);
        Assert.Contains(events, e => e.Type == "recovery" && e.Data?.GetValueOrDefault("rule_id") == rule.Id);
    }

    [Fact]
    public async Task ChooseAlternates_ErrorWithoutPlaybookAlternates_StillFiresAUserRule()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);
        // A wallet too small for the swap fails permanently (insufficient funds): the playbook offers no alternate.
        var swap = Flows.Benchmark(Swap);
        var poor = swap with
        {
            InitialState = new([.. swap.InitialState.Select(i => i.Pubkey == "USER_WALLET_PUBKEY" ? i with { Lamports = 20_000_000 } : i)]),
        };

        var without = await host.RunAsync(Flows.Request(poor));
        Assert.True(without.Steps[0].Status == StepRunStatus.Failed, $"without a rule: expected Failed, got {without.Steps[0].Status} ({without.Steps[0].Error})");
        Assert.Equal(AlternateKind.None, without.Steps[0].Alternate);
        var kind = without.Steps[0].ErrorKind;
        Assert.False(string.IsNullOrEmpty(kind), "the failed step names its error kind");
        Assert.Empty(ExecutionGrainCandidates(kind!));

        var rule = await RegisterAsync(recovery, new RecoveryStrategyDraft { ErrorPattern = kind!, Alternate = AlternateKind.ReducedAmount });
        var with = await host.RunAsync(Flows.Request(poor));

        Assert.Equal(AlternateKind.ReducedAmount, with.Steps[0].Alternate);
        var fired = Assert.Single(with.RecoveryActions, a => a.RuleId is not null);
        Assert.Equal(rule.Id, fired.RuleId);
    }

    private static IReadOnlyList<AlternateKind> ExecutionGrainCandidates(string errorKind) =>
        Reev.Cluster.Grains.Executions.ExecutionGrain.CandidatesFor(errorKind);

    [Fact]
    public async Task ChooseAlternates_StrategyDeletedOrAlternatesDisabled_DoesNotFire()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);
        var rule = await RegisterAsync(recovery, new RecoveryStrategyDraft { ErrorPattern = "SLIPPAGE", Alternate = AlternateKind.SecondVenue });

        var disabled = await host.RunAsync(Flows.Request(Flows.Benchmark(Swap), faults: "slippage@1",
            recovery: new RecoveryConfig { BaseRetryDelayMs = 100, MaxRetryDelayMs = 400, MaxRecoveryTimeMs = 5000, InTurnRetryDelayMs = 5, EnableAlternativeFlows = false }));
        Assert.DoesNotContain(disabled.RecoveryActions, a => a.RuleId is not null);
        Assert.Equal(StepRunStatus.Failed, disabled.Steps[0].Status);

        Assert.True(await recovery.RemoveStrategyAsync(rule.Id), "removing a registered strategy");
        Assert.False(await recovery.RemoveStrategyAsync(rule.Id), "removing it twice");
        var removed = await host.RunAsync(Flows.Request(Flows.Benchmark(Swap), faults: "slippage@1"));
        Assert.Equal(AlternateKind.ReducedAmount, removed.Steps[0].Alternate);
        Assert.DoesNotContain(removed.RecoveryActions, a => a.RuleId is not null);
    }

    [Fact]
    public async Task AddStrategy_ValidatesAndIsIdempotentPerRequestId()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output);
        var recovery = host.Client.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);

        var badRegex = await recovery.AddStrategyAsync(new RecoveryStrategyDraft { ErrorPattern = "(unclosed", PatternKind = StrategyPatternKind.Regex, Alternate = AlternateKind.SecondVenue });
        Assert.Null(badRegex.Strategy);
        Assert.StartsWith("error_pattern:", badRegex.Problem, StringComparison.Ordinal);
        var noAlternate = await recovery.AddStrategyAsync(new RecoveryStrategyDraft { ErrorPattern = "x" });
        Assert.StartsWith("alternate:", noAlternate.Problem, StringComparison.Ordinal);
        var unknownTool = await recovery.AddStrategyAsync(new RecoveryStrategyDraft { ErrorPattern = "x", Tool = "teleport", Alternate = AlternateKind.FreshAttempt });
        Assert.StartsWith("tool:", unknownTool.Problem, StringComparison.Ordinal);

        var first = await recovery.AddStrategyAsync(new RecoveryStrategyDraft { ErrorPattern = "timeout", Alternate = AlternateKind.FreshAttempt, RequestId = "req-1" });
        var again = await recovery.AddStrategyAsync(new RecoveryStrategyDraft { ErrorPattern = "timeout", Alternate = AlternateKind.FreshAttempt, RequestId = "req-1" });
        Assert.False(first.Existing);
        Assert.True(again.Existing);
        Assert.Equal(first.Strategy!.Id, again.Strategy!.Id);
        var listed = Assert.Single(await recovery.ListStrategiesAsync());
        Assert.Equal(first.Strategy, listed);
    }

    [Fact]
    public async Task Strategies_AreSharedBySilosAndSurviveTheSiloThatRegisteredThem()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output);
        var first = host.Cluster.Silos[0];
        var rule = await RegisterAsync(first.GrainFactory.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key),
            new RecoveryStrategyDraft { ErrorPattern = "venue", Alternate = AlternateKind.FreshAttempt, Priority = 3 });

        var second = await host.Cluster.StartSiloAsync();
        await host.Cluster.StopSiloAsync(first);
        var listed = await second.GrainFactory.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ListStrategiesAsync();

        var survivor = Assert.Single(listed);
        Assert.Equal(rule, survivor);
    }

    [Fact]
    public void Strategy_Matches_KindOrMessageCaseInsensitively_AndHonoursTheToolFilter()
    {
        var substring = new RecoveryStrategy { Id = "a", ErrorPattern = "PROGRAM error", Alternate = AlternateKind.SecondVenue };
        var regex = new RecoveryStrategy { Id = "b", ErrorPattern = "^slippage", PatternKind = StrategyPatternKind.Regex, Alternate = AlternateKind.SecondVenue, Tool = "jupiter_swap" };

        Assert.True(substring.Matches("SlippageExceeded", "custom program error: 0x1771", null));
        Assert.False(substring.Matches("Transient", "connection reset", ["jupiter_swap"]));
        Assert.True(regex.Matches("SlippageExceeded", null, ["JUPITER_SWAP"]));
        Assert.False(regex.Matches("SlippageExceeded", null, ["sol_transfer"]));
        Assert.False(regex.Matches("SlippageExceeded", null, null));
    }

    [Fact]
    public void Contracts_RoundTripThroughTheGrainSerializer()
    {
        var strategy = new RecoveryStrategy
        {
            Id = "rs_1", ErrorPattern = "0x17", PatternKind = StrategyPatternKind.Regex, Tool = "jupiter_swap", Alternate = AlternateKind.SecondVenue,
            Priority = 2, CreatedAt = DateTimeOffset.UnixEpoch, CreatedBy = "admin", RequestId = "r",
        };
        AssertRoundTrips(strategy);
        AssertRoundTrips(new RecoveryStrategyDraft { ErrorPattern = "x", Alternate = AlternateKind.FreshAttempt, Tool = "sol_transfer", Priority = -1, CreatedBy = "a", RequestId = "r" });
        AssertRoundTrips(RecoveryStrategyResult.Found(strategy));
        AssertRoundTrips(new StrategyMatch(2, "rs_1", AlternateKind.SecondVenue, [AlternateKind.SecondVenue, AlternateKind.ReducedAmount]));
        AssertRoundTrips(new AlternateQuery("e", 1, "SlippageExceeded", [AlternateKind.ReducedAmount]) { Error = "boom", Tools = ["jupiter_swap"] });
        AssertRoundTrips(new RecoveryAction(1, "alternate_flow", "d", null, DateTimeOffset.UnixEpoch) { RuleId = "rs_1" });
        var old = JsonSerializer.Deserialize<RecoveryAction>("""{"step":1,"strategy":"retry","detail":"d","at":"2026-01-01T00:00:00+00:00"}""", ReevGrains.SerializerOptions);
        Assert.Null(old!.RuleId); // actions stored before strategies existed still read
    }

    private static async Task<RecoveryStrategy> RegisterAsync(IRecoveryGrain recovery, RecoveryStrategyDraft draft)
    {
        var result = await recovery.AddStrategyAsync(draft);
        Assert.True(result.Strategy is not null, $"registering {draft.ErrorPattern}: {result.Problem}");
        return result.Strategy;
    }

    private static void AssertRoundTrips<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, ReevGrains.SerializerOptions);
        var back = JsonSerializer.Deserialize<T>(json, ReevGrains.SerializerOptions);
        Assert.Equal(json, JsonSerializer.Serialize(back, ReevGrains.SerializerOptions));
    }
}
