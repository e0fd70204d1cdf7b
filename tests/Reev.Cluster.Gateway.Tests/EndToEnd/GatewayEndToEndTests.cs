using System.Net;
using System.Text.Json;
using Reev.Cluster.GrainInterfaces;
using Xunit.Abstractions;

namespace Reev.Cluster.Gateway.Tests.EndToEnd;

/// <summary>
/// The gateway's acceptance test on a real server: Kestrel on a loopback port, PostgreSQL, two silos. A two-action prompt
/// (swap then lend) is POSTed, its events are read live over a real socket until the final one, its status is polled to completion and
/// its diagram and consolidated session are fetched; and the same with the silo that runs the execution killed after
/// the swap and before the lend (held in its agent by a <see cref="StepGate"/>), the event stream dropped around the kill and resumed with <c>Last-Event-ID</c>.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class GatewayEndToEndTests(ITestOutputHelper output)
{
    // Two actions; the planner adds a leading balance check and a trailing position check: steps 1 to 4, the swap is
    // step 2 and the lend step 3.
    private const string TwoActionPrompt = """{"prompt":"swap 0.5 SOL to USDC then lend it","agent":"deterministic","seed":7}""";
    private const int PlannedSteps = 4;
    private const int SwapStep = 2;
    private const int HeldStep = 3;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    [PostgresFact]
    public async Task TwoActionPrompt_StreamsLiveInOrderToFinal_ThenStatusDiagramAndConsolidatedSession()
    {
        using var budget = new CancellationTokenSource(Budget);
        var ct = budget.Token;
        await using var environment = await EndToEndEnvironment.StartAsync(output, silos: 2, new StepGate(HeldStep));
        using var client = environment.Operator();
        await AssertServingAsync(environment, client, ct);

        var id = await SubmitAsync(client, ct);
        await using var stream = await EventStreamReader.OpenAsync(client, id, lastEventId: null, ct);
        var untilHeld = await stream.ReadUntilAsync(IsHeldStepStart, ct);
        await environment.Gate.Entered.WaitAsync(ct);
        // The lend step is held inside its agent, so what came so far was read while the flow ran, not replayed after it.
        Assert.True(untilHeld.Count > 0 && IsHeldStepStart(untilHeld[^1]), $"phase live read of {id}: no step_started for step {HeldStep} in [{string.Join(", ", untilHeld)}]");
        Assert.DoesNotContain(untilHeld, e => e.Type == "final");
        environment.Gate.Release();
        var rest = await stream.ReadToEndAsync(ct);

        Assert.True(stream.Closed, $"phase live read of {id}: the server did not close the stream after the final event");
        var events = untilHeld.Concat(rest).ToList();
        output.WriteLine($"events of {id}: {string.Join(", ", events)}");
        AssertWholeSequence(events, id, "live read");
        await AssertFinishedAsync(client, id, events.Count(e => e.Id is not null), ct);
    }

    [PostgresFact]
    public async Task KillingTheSiloThatRunsTheExecution_MidFlow_FlowCompletes_AndTheStreamResumesWithLastEventIdWithoutLossOrRepeat()
    {
        using var budget = new CancellationTokenSource(Budget);
        var ct = budget.Token;
        await using var environment = await EndToEndEnvironment.StartAsync(output, silos: 2, new StepGate(HeldStep));
        using var client = environment.Operator();
        await AssertServingAsync(environment, client, ct);

        var id = await SubmitAsync(client, ct);
        var victim = Assert.Single(environment.Cluster.Silos, s => s.Owns<IExecutionGrain>(id));
        var survivor = Assert.Single(environment.Cluster.Silos, s => s != victim);

        // First connection: read live until the lend step runs (the swap is done), then drop it.
        List<ServerSentEvent> beforeKill;
        var firstClosedByServer = false;
        await using (var first = await EventStreamReader.OpenAsync(client, id, lastEventId: null, ct))
        {
            beforeKill = await first.ReadUntilAsync(IsHeldStepStart, ct);
            await environment.Gate.Entered.WaitAsync(ct);
            firstClosedByServer = first.Closed;
        }

        // Another client keeps its connection open through the kill, as a browser's EventSource would.
        using var watcher = environment.Operator();
        await using var kept = await EventStreamReader.OpenAsync(watcher, id, lastEventId: null, ct);
        var keptBeforeKill = await kept.ReadUntilAsync(IsHeldStepStart, ct);

        Assert.False(firstClosedByServer, $"phase before kill of {id}: the stream ended early: [{string.Join(", ", beforeKill)}]");
        Assert.Contains(beforeKill, e => e.Type == "step_finished" && e.Step == SwapStep);
        Assert.DoesNotContain(beforeKill, e => e.Type == "final");
        var lastSeen = beforeKill[^1].Id ?? throw new InvalidOperationException($"the last event before the kill has no id: {beforeKill[^1]}");

        await environment.Cluster.KillSiloAsync(victim);
        Assert.False(victim.IsRunning);
        environment.Gate.Release();

        // Second connection: resume after the last event seen, while the execution's partition moves to the survivor.
        await using var resumed = await EventStreamReader.OpenAsync(client, id, lastSeen, ct);
        var afterKill = await resumed.ReadToEndAsync(ct);

        Assert.True(resumed.Closed, $"phase after kill of {id}: the server did not close the resumed stream");
        Assert.All(afterKill.Where(e => e.Id is not null), e => Assert.True(e.Id > lastSeen, $"phase after kill of {id}: event {e} repeats one seen before {lastSeen}"));
        var union = beforeKill.Concat(afterKill).ToList();
        output.WriteLine($"events of {id}: before the kill of {victim.SiloId} [{string.Join(", ", beforeKill)}], resumed after {lastSeen} [{string.Join(", ", afterKill)}]");
        AssertWholeSequence(union, id, "read across the kill");

        // A fresh read from the start returns exactly what the two connections saw between them.
        await using var fresh = await EventStreamReader.OpenAsync(client, id, lastEventId: null, ct);
        var whole = await fresh.ReadToEndAsync(ct);
        Assert.True(fresh.Closed);
        Assert.Equal(whole.Select(e => (e.Id, e.Type, e.Data)), union.Select(e => (e.Id, e.Type, e.Data)));

        // The connection kept open through the kill ends with the same events, resumed with Last-Event-ID if it broke.
        var keptAll = await ReadToEndResumingAsync(watcher, id, kept, keptBeforeKill, ct);
        Assert.Equal(union.Select(e => (e.Id, e.Type, e.Data)), keptAll.Select(e => (e.Id, e.Type, e.Data)));

        await AssertFinishedAsync(client, id, union.Count(e => e.Id is not null), ct);
        Assert.True(survivor.Owns<IExecutionGrain>(id), $"execution {id}: the survivor {survivor.SiloId} does not own it after the kill of {victim.SiloId}");
    }

    /// <summary>
    /// Reads a connection to its end; when the connection breaks (the gateway may fail a read while the execution's
    /// partition changes hands), reconnects with <c>Last-Event-ID</c> the way an EventSource does.
    /// </summary>
    private async Task<List<ServerSentEvent>> ReadToEndResumingAsync(HttpClient client, string id, EventStreamReader reader, List<ServerSentEvent> seen, CancellationToken ct)
    {
        var events = new List<ServerSentEvent>(seen);
        var current = reader;
        try
        {
            while (true)
            {
                try
                {
                    events.AddRange(await current.ReadToEndAsync(ct));
                    return events;
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    var last = events.LastOrDefault(e => e.Id is not null)?.Id;
                    output.WriteLine($"the kept connection of {id} broke after event {last}: {ex.GetType().Name}: {ex.Message}; resuming");
                    if (current != reader)
                    {
                        await current.DisposeAsync();
                    }

                    current = await EventStreamReader.OpenAsync(client, id, last, ct);
                }
            }
        }
        finally
        {
            if (current != reader)
            {
                await current.DisposeAsync();
            }
        }
    }

    private static bool IsHeldStepStart(ServerSentEvent e) => e.Type == "step_started" && e.Step == HeldStep;

    /// <summary>Kestrel listens on a real loopback socket and the gateway, a client of the cluster's database, is ready.</summary>
    private static async Task AssertServingAsync(EndToEndEnvironment environment, HttpClient client, CancellationToken ct)
    {
        Assert.True(environment.Address is { Host: "127.0.0.1", Port: > 0 }, $"gateway address: {environment.Address}");
        using var ready = await client.GetAsync("/health/ready", ct);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"gateway readiness: {(int)ready.StatusCode} {await ready.Content.ReadAsStringAsync(ct)}");
    }

    private static async Task<string> SubmitAsync(HttpClient client, CancellationToken ct)
    {
        using var response = await client.PostAsync("/api/v1/benchmarks/execute-direct", Api.Json(TwoActionPrompt), ct);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST execute-direct: expected 202, got {(int)response.StatusCode}: {body}");
        var id = body.GetProperty("execution_id").GetString()!;
        Assert.Equal($"/api/v1/executions/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    /// <summary>Ids 1..n once each and in order, starting with <c>accepted</c>, <c>final</c> the last numbered event, then <c>end</c>.</summary>
    private static void AssertWholeSequence(List<ServerSentEvent> events, string executionId, string phase)
    {
        var seen = string.Join(", ", events);
        var numbered = events.Where(e => e.Id is not null).ToList();
        Assert.True(numbered.Count >= 2, $"phase {phase} of {executionId}: too few events: [{seen}]");
        Assert.True(Enumerable.Range(1, numbered.Count).Select(i => (long)i).SequenceEqual(numbered.Select(e => e.Id!.Value)),
            $"phase {phase} of {executionId}: expected ids 1..{numbered.Count} without gaps or repeats, got [{seen}]");
        Assert.Equal("accepted", numbered[0].Type);
        Assert.Equal("final", numbered[^1].Type);
        Assert.Single(numbered, e => e.Type == "final");
        Assert.True(events.Count == numbered.Count + 1 && events[^1] is { Id: null, Type: "end" }, $"phase {phase} of {executionId}: expected one closing 'end' after 'final', got [{seen}]");
        foreach (var step in Enumerable.Range(1, PlannedSteps))
        {
            var started = numbered.FindIndex(e => e.Type == "step_started" && e.Step == step);
            var finished = numbered.FindIndex(e => e.Type == "step_finished" && e.Step == step);
            Assert.True(started >= 0 && finished > started, $"phase {phase} of {executionId}: step {step} must start then finish: [{seen}]");
        }

        Assert.Contains(numbered, e => e.Type == "tool_called");
    }

    /// <summary>Status polled to completion, then the diagram and the consolidated session, all through the gateway.</summary>
    private static async Task AssertFinishedAsync(HttpClient client, string id, int eventsSeen, CancellationToken ct)
    {
        var final = await Api.WaitFinalAsync(client, id, Budget);
        Assert.True(final.GetProperty("status").GetString() == "completed", $"execution {id}: expected completed, got {final}");
        Assert.Equal("direct", final.GetProperty("source").GetString());
        var steps = final.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(PlannedSteps, steps.Count);
        Assert.All(steps, s => Assert.Equal("succeeded", s.GetProperty("status").GetString()));
        Assert.Contains("jupiter_swap", steps[SwapStep - 1].GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Contains("jupiter_lend_earn_deposit", steps[HeldStep - 1].GetProperty("tools").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(eventsSeen, final.GetProperty("event_count").GetInt32());

        using var flow = await client.GetAsync($"/api/v1/flows/{Uri.EscapeDataString(id)}", ct);
        var flowBody = await flow.ReadJsonAsync();
        Assert.True(flow.StatusCode == HttpStatusCode.OK, $"GET flows/{id}: {(int)flow.StatusCode} {flowBody}");
        var diagram = flowBody.GetProperty("diagram").GetString()!;
        Assert.StartsWith("stateDiagram-v2", diagram, StringComparison.Ordinal);
        Assert.Contains("Flow --> S1", diagram, StringComparison.Ordinal);
        foreach (var step in Enumerable.Range(1, PlannedSteps - 1))
        {
            Assert.Contains($"S{step} --> S{step + 1}", diagram, StringComparison.Ordinal);
        }

        Assert.Contains($"S{PlannedSteps} --> Consolidation", diagram, StringComparison.Ordinal);
        Assert.Contains("jupiter_swap", diagram, StringComparison.Ordinal);
        Assert.Contains("jupiter_lend_earn_deposit", diagram, StringComparison.Ordinal);

        using var consolidated = await client.GetAsync($"/api/v1/executions/{Uri.EscapeDataString(id)}/consolidated", ct);
        var session = await consolidated.ReadJsonAsync();
        Assert.True(consolidated.StatusCode == HttpStatusCode.OK, $"GET executions/{id}/consolidated: {(int)consolidated.StatusCode} {session}");
        Assert.Equal(id, session.GetProperty("execution_id").GetString());
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(session.GetProperty("content").GetString()));
        var metadata = session.GetProperty("metadata");
        Assert.Equal(PlannedSteps, metadata.GetProperty("session_count").GetInt32());
        Assert.Equal(
            steps.Select(s => s.GetProperty("session_key").GetString()),
            metadata.GetProperty("original_session_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Number, metadata.GetProperty("avg_score").ValueKind);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EndToEndCollection
{
    public const string Name = "gateway end to end";
}
