using System.Text.Json;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.Hosting;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Every wire type survives the grains' serializer settings unchanged (what a stored row or a message holds).</summary>
public sealed class ContractRoundTripTests
{
    [Fact]
    public async Task Messages_and_views_round_trip_through_the_grain_serializer()
    {
        var document = Flows.Benchmark("200-jup-swap-then-lend-deposit");
        var prepared = FlowPreparation.Prepare(document, 3).Flow!;
        var outcome = await new StepRunner(AgentRegistry.CreateDefault()).RunAsync(
            new StepRequest(document, 1, prepared.KeyMap, prepared.InitialLedger, "deterministic", "transient=0.1", 3), default);
        var request = Flows.Request(document, AtomicMode.Strict, "slippage@1") with { OriginalPrompt = "swap", SubmittedBy = "alice" };
        var command = new StepCommand { ExecutionId = "e", Request = new StepRequest(document, 1, prepared.KeyMap, prepared.InitialLedger, "deterministic"), Recovery = request.Recovery, Alternate = AlternateKind.ReducedAmount, AlternateNumber = 2, PriorAttempts = 3 };
        var report = new StepReport { ExecutionId = "e", StepKey = "e:1", Index = 1, Status = StepRunStatus.Failed, Attempts = 2, Outcome = outcome, Error = "x", ErrorKind = "Transient", Retryable = true, Hint = "Retry", DurationMs = 1.5, Retries = 1 };
        var view = new ExecutionView
        {
            ExecutionId = "e",
            FlowId = document.Id,
            Status = ExecutionStatus.AwaitingUser,
            Score = new FlowScores(1, 0.5, 0.25, 0.875, 0.8, 0.6),
            Steps = [new StepView(1, "swap", true, StepRunStatus.Recovered, ["jupiter_swap"], 3, null, null, 1.0, 12.5, AlternateKind.SecondVenue, "e:1:alt1")],
            Accounts = [new AccountView("USER_WALLET_PUBKEY", "addr", 5, "mint", 7, 9, 11)],
            RecoveryActions = [new RecoveryAction(1, "retry", "2 retries", true, DateTimeOffset.UnixEpoch)],
            Question = new PendingQuestion(1, "boom", [FulfillmentAnswer.Retry, FulfillmentAnswer.Abort], FulfillmentAnswer.Skip, DateTimeOffset.UnixEpoch),
            Consolidation = new ConsolidationView { ExecutionId = "e", Status = ConsolidationStatus.TimedOut, PhasesCompleted = ["gather"], PhaseDurationsMs = new Dictionary<string, double> { ["gather"] = 1.25 } },
            Version = 42,
            EventCount = 7,
        };
        var consolidation = new ConsolidationCommand("e", "f", ExecutionStatus.Completed,
            [new SessionSummary("e:1", 1, AlternateKind.None, StepRunStatus.Succeeded, ["sol_transfer"], 1, 2, null, "p")],
            view.RecoveryActions, [new PlaybookObservation("SlippageExceeded", AlternateKind.ReducedAmount, true)], 60000, 12);

        AssertRoundTrips(request);
        AssertRoundTrips(command);
        AssertRoundTrips(report);
        AssertRoundTrips(view);
        AssertRoundTrips(consolidation);
        AssertRoundTrips(new ExecutionEvent(3, "tool_called", DateTimeOffset.UnixEpoch, 1, "m", new Dictionary<string, string> { ["tool"] = "t" }));
        AssertRoundTrips(new RecoveryMetrics { Attempts = 3, RecoveriesByStrategy = new Dictionary<string, long> { ["retry"] = 2 }, Playbook = [new PlaybookEntry("Liquidity", AlternateKind.ReducedAmount, 4, 3)] });
        Assert.True(JsonSerializer.Deserialize<ExecutionView>(JsonSerializer.Serialize(view, ReevGrains.SerializerOptions), ReevGrains.SerializerOptions)!.Question is { Step: 1 });
    }

    [Fact]
    public async Task An_execution_state_stores_its_ledger_only_when_it_differs_from_the_initial_one()
    {
        var document = Flows.Benchmark("200-jup-swap-then-lend-deposit");
        var prepared = FlowPreparation.Prepare(document, 3).Flow!;
        var initial = prepared.InitialLedger;
        var state = new ExecutionState { InitialLedger = initial, Ledger = initial with { } }; // equal, not the same instance

        var unchanged = JsonSerializer.Serialize(state, ReevGrains.SerializerOptions);
        Assert.False(JsonDocument.Parse(unchanged).RootElement.TryGetProperty("ledger", out _));
        Assert.Equal(initial, JsonSerializer.Deserialize<ExecutionState>(unchanged, ReevGrains.SerializerOptions)!.Ledger);

        var after = (await new StepRunner(AgentRegistry.CreateDefault()).RunAsync(
            new StepRequest(document, 1, prepared.KeyMap, initial, "deterministic", null, 3), default)).Ledger;
        Assert.NotEqual(initial, after);
        state.Ledger = after;
        var changed = JsonSerializer.Serialize(state, ReevGrains.SerializerOptions);
        Assert.True(JsonDocument.Parse(changed).RootElement.TryGetProperty("ledger", out _));
        var back = JsonSerializer.Deserialize<ExecutionState>(changed, ReevGrains.SerializerOptions)!;
        Assert.Equal(after, back.Ledger);
        Assert.Equal(initial, back.InitialLedger);

        // A state written before (the ledger always present) reads the same.
        var older = System.Text.Json.Nodes.JsonNode.Parse(unchanged)!.AsObject();
        older["ledger"] = older["initialLedger"]!.DeepClone();
        Assert.Equal(initial, JsonSerializer.Deserialize<ExecutionState>(older.ToJsonString(), ReevGrains.SerializerOptions)!.Ledger);
        Assert.Null(JsonSerializer.Deserialize<ExecutionState>("{}", ReevGrains.SerializerOptions)!.Ledger);
    }

    private static void AssertRoundTrips<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, ReevGrains.SerializerOptions);
        var back = JsonSerializer.Deserialize<T>(json, ReevGrains.SerializerOptions);
        Assert.Equal(json, JsonSerializer.Serialize(back, ReevGrains.SerializerOptions));
    }
}
