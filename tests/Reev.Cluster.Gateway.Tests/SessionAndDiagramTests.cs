using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class SessionAndDiagramTests(GatewayFactory factory)
{
    private static async Task<string> FinishedTwoStepAsync(HttpClient client)
    {
        var id = await Api.RunAsync(client, "116-jup-lend-redeem-usdc");
        await Api.WaitFinalAsync(client, id);
        return id;
    }

    [Fact]
    public async Task Sessions_ListGetStatus()
    {
        using var client = factory.Operator();
        var id = await FinishedTwoStepAsync(client);
        using var list = await client.GetAsync($"/api/v1/flows/{id}/sessions");
        var body = await list.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var sessions = body.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var sessionId = sessions[0].GetProperty("session_id").GetString()!;
        Assert.Equal($"{id}:1", sessionId);

        using var session = await client.GetAsync($"/api/v1/sessions/{sessionId}");
        var detail = await session.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, session.StatusCode);
        Assert.True(detail.GetProperty("attempts").GetArrayLength() >= 1);
        Assert.True(detail.GetProperty("attempts")[0].GetProperty("tool_calls").GetArrayLength() >= 1);

        using var status = await client.GetAsync($"/api/v1/sessions/{sessionId}/status");
        Assert.Equal("succeeded", (await status.ReadJsonAsync()).GetProperty("status").GetString());
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/sessions/{sessionId}/status");
        conditional.Headers.IfNoneMatch.Add(status.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Sessions_Errors()
    {
        using var client = factory.Operator();
        using var unknownFlow = await client.GetAsync("/api/v1/flows/run-none/sessions");
        await unknownFlow.AssertProblemAsync(HttpStatusCode.NotFound, "flow_id");
        using var unknownSession = await client.GetAsync("/api/v1/sessions/run-none:1");
        await unknownSession.AssertProblemAsync(HttpStatusCode.NotFound, "session_id");
        using var badSession = await client.GetAsync("/api/v1/sessions/no-colon/status");
        await badSession.AssertProblemAsync(HttpStatusCode.BadRequest, "session_id");
        using var unknownStatus = await client.GetAsync("/api/v1/sessions/run-none:1/status");
        await unknownStatus.AssertProblemAsync(HttpStatusCode.NotFound, "session_id");
        using var deleteUnknown = await client.DeleteAsync("/api/v1/sessions/run-none:1");
        await deleteUnknown.AssertProblemAsync(HttpStatusCode.NotFound);
        var id = await FinishedTwoStepAsync(client);
        using var deleteKept = await client.DeleteAsync($"/api/v1/sessions/{id}:1");
        await deleteKept.AssertProblemAsync(HttpStatusCode.Conflict);
        using var reader = factory.Reader();
        using var forbidden = await reader.DeleteAsync($"/api/v1/sessions/{id}:1");
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Consolidation_StatusAndSession()
    {
        using var client = factory.Operator();
        var id = await FinishedTwoStepAsync(client);
        using var status = await client.GetAsync($"/api/v1/consolidation/{id}/status?include_metadata=true");
        var statusBody = await status.ReadJsonAsync();
        Assert.Equal("completed", statusBody.GetProperty("status").GetString());
        Assert.True(statusBody.GetProperty("complete").GetBoolean());
        Assert.True(statusBody.GetProperty("phases_completed").GetArrayLength() >= 1);
        Assert.True(statusBody.TryGetProperty("metadata", out _));

        using var byExecution = await client.GetAsync($"/api/v1/executions/{id}/consolidated");
        var consolidated = await byExecution.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, byExecution.StatusCode);
        var sessionId = consolidated.GetProperty("session_id").GetString()!;
        Assert.Equal(2, consolidated.GetProperty("metadata").GetProperty("session_count").GetInt32());

        using var bySession = await client.GetAsync($"/api/v1/sessions/consolidated/{sessionId}");
        Assert.Equal(id, (await bySession.ReadJsonAsync()).GetProperty("execution_id").GetString());
    }

    [Fact]
    public async Task Consolidation_Errors()
    {
        using var client = factory.Reader();
        using var status = await client.GetAsync("/api/v1/consolidation/run-none/status");
        await status.AssertProblemAsync(HttpStatusCode.NotFound, "execution_id");
        using var byExecution = await client.GetAsync("/api/v1/executions/run-none/consolidated");
        await byExecution.AssertProblemAsync(HttpStatusCode.NotFound, "execution_id");
        using var bySession = await client.GetAsync("/api/v1/sessions/consolidated/consolidated-run-none");
        await bySession.AssertProblemAsync(HttpStatusCode.NotFound, "session_id");
        using var badId = await client.GetAsync("/api/v1/consolidation/bad%20id/status");
        await badId.AssertProblemAsync(HttpStatusCode.BadRequest, "execution_id");
    }

    [Fact]
    public async Task Diagram_OfExecution_HasStepsToolsAndConsolidation()
    {
        using var client = factory.Operator();
        var id = await FinishedTwoStepAsync(client);
        using var response = await client.GetAsync($"/api/v1/flows/{id}");
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var diagram = body.GetProperty("diagram").GetString()!;
        Assert.StartsWith("stateDiagram-v2", diagram);
        Assert.Contains("Flow --> S1", diagram);
        Assert.Contains("S1 --> S2", diagram);
        Assert.Contains("S2 --> Consolidation", diagram);
        Assert.Contains("jupiter_lend_earn", diagram);
        Assert.Contains("ms", diagram);
        var metadata = body.GetProperty("metadata");
        Assert.True(metadata.GetProperty("tool_count").GetInt32() >= 2);
        Assert.Equal(4, metadata.GetProperty("state_count").GetInt32());
        Assert.Equal("116-jup-lend-redeem-usdc", metadata.GetProperty("benchmark_id").GetString());

        using var html = await client.GetAsync($"/api/v1/flows/{id}?format=html");
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        using var mermaid = await client.GetAsync($"/api/v1/flows/{id}?format=MERMAID");
        Assert.StartsWith("stateDiagram-v2", await mermaid.Content.ReadAsStringAsync());

        var consolidatedId = (await (await client.GetAsync($"/api/v1/executions/{id}/consolidated")).ReadJsonAsync()).GetProperty("session_id").GetString();
        using var byConsolidated = await client.GetAsync($"/api/v1/flows/{consolidatedId}");
        Assert.Equal(id, (await byConsolidated.ReadJsonAsync()).GetProperty("execution_id").GetString());
    }

    [Fact]
    public async Task Diagram_RecoveryPath_ShowsAlternate()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "100-jup-swap-sol-usdc",
            """{"faults":"slippage@1","recovery_config":{"enable_alternative_flows":true,"base_retry_delay_ms":10,"max_retry_delay_ms":10,"max_recovery_time_ms":300}}""");
        await Api.WaitFinalAsync(client, id);
        using var response = await client.GetAsync($"/api/v1/flows/{id}?format=mermaid");
        var diagram = await response.Content.ReadAsStringAsync();
        Assert.Contains("S1 --> S1_alt1 : recovery", diagram);
    }

    [Fact]
    public async Task Diagram_Errors()
    {
        using var client = factory.Reader();
        using var unknown = await client.GetAsync("/api/v1/flows/run-none");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "id");
        using var badFormat = await client.GetAsync("/api/v1/flows/run-none?format=png");
        await badFormat.AssertProblemAsync(HttpStatusCode.BadRequest, "format");
    }

    [Fact]
    public async Task Logs_FlowAndExecution()
    {
        using var client = factory.Operator();
        var id = await FinishedTwoStepAsync(client);
        using var flowLogs = await client.GetAsync("/api/v1/flow-logs/116-jup-lend-redeem-usdc?limit=5");
        var flows = await flowLogs.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, flowLogs.StatusCode);
        Assert.Contains(flows.GetProperty("executions").EnumerateArray(), e => e.GetProperty("execution").GetProperty("execution_id").GetString() == id);

        using var log = await client.GetAsync($"/api/v1/execution-logs/116-jup-lend-redeem-usdc?execution_id={id}");
        var body = await log.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, log.StatusCode);
        var trace = body.GetProperty("trace").GetString()!;
        Assert.Contains("step 1", trace);
        Assert.Contains("└── ", trace);
        Assert.Contains("jupiter_lend_earn", trace);
        Assert.False(body.GetProperty("is_running").GetBoolean());
        using var latest = await client.GetAsync("/api/v1/execution-logs/116-jup-lend-redeem-usdc");
        Assert.Equal(HttpStatusCode.OK, latest.StatusCode);
    }

    [Fact]
    public async Task Logs_Errors()
    {
        using var client = factory.Reader();
        using var unknown = await client.GetAsync("/api/v1/flow-logs/999-none");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "benchmark_id");
        using var badLimit = await client.GetAsync("/api/v1/flow-logs/001-sol-transfer?limit=-3");
        await badLimit.AssertProblemAsync(HttpStatusCode.BadRequest, "limit");
        using var noRuns = await client.GetAsync("/api/v1/execution-logs/305-yield-farming-optimization");
        await noRuns.AssertProblemAsync(HttpStatusCode.NotFound);
        using var wrong = await client.GetAsync("/api/v1/execution-logs/001-sol-transfer?execution_id=run-none");
        await wrong.AssertProblemAsync(HttpStatusCode.NotFound, "execution_id");
    }
}
