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

    [Fact]
    public void With_inputs_stored_the_state_and_the_step_command_leave_out_the_document_and_restore_to_equal()
    {
        var document = Flows.Benchmark("200-jup-swap-then-lend-deposit");
        var prepared = FlowPreparation.Prepare(document, 3).Flow!;
        var request = Flows.Request(document);
        var inputs = new ExecutionInputs(request, prepared.KeyMap, prepared.InitialLedger);

        // The execution's state: request, key map and initial ledger out of the JSON, back from the inputs.
        var state = new ExecutionState { Request = request, KeyMap = prepared.KeyMap, InitialLedger = prepared.InitialLedger, Ledger = prepared.InitialLedger, InputsStored = true };
        var json = JsonSerializer.Serialize(state, ReevGrains.SerializerOptions);
        Assert.DoesNotContain("groundTruth", json, StringComparison.Ordinal);
        Assert.DoesNotContain(prepared.KeyMap.Entries.First().Value, json, StringComparison.Ordinal); // no key map, no ledger
        var back = JsonSerializer.Deserialize<ExecutionState>(json, ReevGrains.SerializerOptions)!;
        Assert.Null(back.Request);
        Assert.Null(back.Ledger);
        back.Restore(JsonSerializer.Deserialize<ExecutionInputs>(JsonSerializer.Serialize(inputs, ReevGrains.SerializerOptions), ReevGrains.SerializerOptions)!);
        Assert.Equal(request.Document, back.Request!.Document);
        Assert.Equal(prepared.KeyMap.Entries, back.KeyMap!.Entries); // a key map compares its dictionary by reference
        Assert.Equal(prepared.InitialLedger, back.InitialLedger);
        Assert.Equal(prepared.InitialLedger, back.Ledger);
        state.InputsStored = false; // without the flag, all of it is written, as before
        Assert.Contains("groundTruth", JsonSerializer.Serialize(state, ReevGrains.SerializerOptions), StringComparison.Ordinal);

        // The step's command: the document and key map out, the starting ledger and the rest kept; the object sent is untouched.
        var command = new StepCommand { ExecutionId = "e", Request = new StepRequest(document, 2, prepared.KeyMap, prepared.InitialLedger, "noop"), Recovery = request.Recovery, InputsStored = true, PriorAttempts = 1 };
        var wire = JsonSerializer.Serialize(command, ReevGrains.SerializerOptions);
        Assert.DoesNotContain("groundTruth", wire, StringComparison.Ordinal);
        var received = JsonSerializer.Deserialize<StepCommand>(wire, ReevGrains.SerializerOptions)!;
        Assert.Null(received.Request.Document);
        Assert.Null(received.Request.KeyMap);
        Assert.Equal(prepared.InitialLedger, received.Request.Ledger);
        Assert.Equal(2, received.Request.StepIndex);
        Assert.True(received.InputsStored);
        Assert.Equal(1, received.PriorAttempts);
        Assert.Same(document, command.Request.Document);
        Assert.Equal(wire, JsonSerializer.Serialize(received, ReevGrains.SerializerOptions));
    }

    private static void AssertRoundTrips<T>(T value)
    {
        var json = JsonSerializer.Serialize(value, ReevGrains.SerializerOptions);
        var back = JsonSerializer.Deserialize<T>(json, ReevGrains.SerializerOptions);
        Assert.Equal(json, JsonSerializer.Serialize(back, ReevGrains.SerializerOptions));
    }
}
