using System.Net;
using System.Text.Json;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ExecutionTests(GatewayFactory factory)
{
    [Fact]
    public async Task Run_Benchmark_Is202QueuedWithLinks_AndCompletes()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json("""{"agent":"deterministic","atomic_mode":"STRICT","seed":7}"""));
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = body.GetProperty("execution_id").GetString()!;
        Assert.Equal("queued", body.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/executions/{id}/events", body.GetProperty("links").GetProperty("events").GetString());
        Assert.Equal($"/api/v1/executions/{id}", response.Headers.Location?.ToString());

        var final = await Api.WaitFinalAsync(client, id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal("strict", final.GetProperty("atomic_mode").GetString());
        Assert.Equal("001-sol-transfer", final.GetProperty("benchmark_id").GetString());
        Assert.True(final.GetProperty("passed").GetBoolean());
        Assert.Equal(1.0, final.GetProperty("progress").GetDouble());
        Assert.Equal(1, final.GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task Run_EmptyBody_UsesDefaults()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/002-spl-transfer/run", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"atomic_mode":"sometimes"}""", "atomic_mode")]
    [InlineData("""{"agent":"gpt-99"}""", "agent")]
    [InlineData("""{"seed":"abc"}""", "seed")]
    [InlineData("""{"recovery_config":{"base_retry_delay_ms":-5}}""", "recovery_config.base_retry_delay_ms")]
    [InlineData("""{"recovery_config":{"backoff_multiplier":"x"}}""", "recovery_config.backoff_multiplier")]
    [InlineData("""{"faults":"meteor@1"}""", "faults")]
    [InlineData("""{"agent": """, "agent")]
    [InlineData("""[1,2]""", "body")]
    public async Task Run_BadBody_Is400NamingTheField(string json, string field)
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Run_UnknownFields_AreIgnored()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json("""{"benchmark_id":"x","colour":"blue"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Run_OversizedBody_Is413()
    {
        using var client = factory.Operator();
        var json = "{\"agent\":\"" + new string('a', 70 * 1024) + "\"}";
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "body");
    }

    [Fact]
    public async Task Run_WrongMediaType_Is415()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", new StringContent("agent=noop", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        await response.AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Run_UnknownBenchmark_Is404()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/999-missing/run", Api.Json("{}"));
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "id");
    }

    [Fact]
    public async Task Run_ReaderKey_Is403()
    {
        using var client = factory.Reader();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json("{}"));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Run_NoKey_Is401()
    {
        using var client = factory.Anonymous();
        using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json("{}"));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Run_SameIdempotencyKey_CreatesOneExecution()
    {
        using var client = factory.Operator();
        var key = Guid.NewGuid().ToString();
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/benchmarks/001-sol-transfer/run") { Content = Api.Json("{}") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.ReadJsonAsync()).GetProperty("execution_id").GetString()!);
        }

        Assert.Equal(ids[0], ids[1]);
        var final = await Api.WaitFinalAsync(client, ids[0]);
        var accepted = final.GetProperty("event_count").GetInt32();
        Assert.True(accepted > 0);

        using var other = new HttpRequestMessage(HttpMethod.Post, "/api/v1/benchmarks/002-spl-transfer/run") { Content = Api.Json("{}") };
        other.Headers.Add("Idempotency-Key", key);
        using var conflict = await client.SendAsync(other);
        await conflict.AssertProblemAsync(HttpStatusCode.Conflict, "Idempotency-Key");
    }

    [Fact]
    public async Task Get_UnknownExecution_Is404()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/executions/run-doesnotexist");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "execution_id");
    }

    [Theory]
    [InlineData("bad%20id%21")]
    [InlineData("run-abc%0A")] // a trailing newline: .NET's $ would match before it
    public async Task Get_MalformedExecutionId_Is400(string id)
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync($"/api/v1/executions/{id}");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "execution_id");
    }

    [Fact]
    public async Task Get_FinishedExecution_IsCacheable_And304OnItsETag()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client);
        await Api.WaitFinalAsync(client, id);
        using var first = await client.GetAsync($"/api/v1/executions/{id}");
        Assert.Contains("immutable", first.Headers.CacheControl!.ToString());
        Assert.Null(first.Headers.RetryAfter);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/executions/{id}");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Get_RunningExecution_HasRetryAfterAndNoCache()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "001-sol-transfer", """{"faults":"transient=1.0","recovery_config":{"base_retry_delay_ms":5000,"max_retry_delay_ms":5000,"max_recovery_time_ms":20000}}""");
        using var response = await client.GetAsync($"/api/v1/executions/{id}");
        var body = await response.ReadJsonAsync();
        Assert.False(body.GetProperty("is_final").GetBoolean(), body.ToString());
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Contains("no-cache", response.Headers.CacheControl!.ToString());
        using var cancel = await client.DeleteAsync($"/api/v1/executions/{id}");
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
    }

    [Fact]
    public async Task BenchmarkStatus_ByIdAndLatest()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "004-partial-score-spl-transfer");
        await Api.WaitFinalAsync(client, id);
        using var byId = await client.GetAsync($"/api/v1/benchmarks/004-partial-score-spl-transfer/status/{id}");
        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Contains("immutable", byId.Headers.CacheControl!.ToString());
        using var latest = await client.GetAsync("/api/v1/benchmarks/004-partial-score-spl-transfer/status");
        Assert.Equal(id, (await latest.ReadJsonAsync()).GetProperty("execution_id").GetString());

        // "The latest run" changes with the next run: revalidated, never immutable, and its ETag names the execution.
        Assert.Contains("no-cache", latest.Headers.CacheControl!.ToString());
        Assert.DoesNotContain("immutable", latest.Headers.CacheControl!.ToString());
        Assert.Contains(id, latest.Headers.ETag!.Tag, StringComparison.Ordinal);
        using var wrongBenchmark = await client.GetAsync($"/api/v1/benchmarks/001-sol-transfer/status/{id}");
        await wrongBenchmark.AssertProblemAsync(HttpStatusCode.NotFound);
        using var none = await client.GetAsync("/api/v1/benchmarks/305-yield-farming-optimization/status");
        await none.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancel_Running_Is202_ThenCancelled()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "001-sol-transfer", """{"faults":"transient=1.0","recovery_config":{"base_retry_delay_ms":5000,"max_retry_delay_ms":5000,"max_recovery_time_ms":20000}}""");
        using var response = await client.PostAsync($"/api/v1/benchmarks/001-sol-transfer/stop/{id}", Api.Json("""{"reason":"test"}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var final = await Api.WaitFinalAsync(client, id);
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
        Assert.Equal("operator", final.GetProperty("cancelled_by").GetString());
    }

    [Fact]
    public async Task Cancel_Finished_Is409()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client);
        await Api.WaitFinalAsync(client, id);
        using var response = await client.DeleteAsync($"/api/v1/executions/{id}");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("already_finished", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Cancel_Unknown_Is404_AndReader_Is403()
    {
        using var op = factory.Operator();
        using var unknown = await op.DeleteAsync("/api/v1/executions/run-unknown");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        using var reader = factory.Reader();
        using var forbidden = await reader.DeleteAsync("/api/v1/executions/run-unknown");
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Fulfillment_Errors()
    {
        using var client = factory.Operator();
        using var unknown = await client.PostAsync("/api/v1/executions/run-unknown/fulfillment", Api.Json("""{"answer":"retry"}"""));
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        var id = await Api.RunAsync(client);
        await Api.WaitFinalAsync(client, id);
        using var notWaiting = await client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json("""{"answer":"Retry"}"""));
        await notWaiting.AssertProblemAsync(HttpStatusCode.Conflict);
        using var missing = await client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json("{}"));
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "answer");
        using var bad = await client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json("""{"answer":"maybe"}"""));
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "answer");
    }

    [Fact]
    public async Task Fulfillment_AwaitingExecution_IsAnswered()
    {
        using var client = factory.Operator();
        var (id, view) = await AwaitingItsUserAsync(client);
        var question = view.GetProperty("question").GetProperty("sequence").GetInt64();
        Assert.True(question > 0, view.ToString());

        // An answer meant for another question is refused, naming the open one; the execution still waits.
        using var stale = await client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json($$"""{"answer":"abort","question":{{question + 1000}}}"""));
        var conflict = await stale.AssertProblemAsync(HttpStatusCode.Conflict, "question");
        Assert.Equal("question_changed", conflict.GetProperty("code").GetString());
        using (var still = await client.GetAsync($"/api/v1/executions/{id}"))
        {
            Assert.Equal("awaiting_user", (await still.ReadJsonAsync()).GetProperty("status").GetString());
        }

        using var response = await client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json($$"""{"answer":"ABORT","question":{{question}}}"""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var final = await Api.WaitFinalAsync(client, id);
        Assert.Equal("failed", final.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Fulfillment_TwoCallersAnsweringAtOnce_OnlyTheAppliedAnswerIsAccepted()
    {
        using var client = factory.Operator();
        using var admin = factory.Admin();
        var (id, _) = await AwaitingItsUserAsync(client);

        // Both pass the check against the open question; the grain applies one and drops the other, and each caller is
        // told which happened to its own answer.
        var answers = await Task.WhenAll(
            client.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json("""{"answer":"abort"}""")),
            admin.PostAsync($"/api/v1/executions/{id}/fulfillment", Api.Json("""{"answer":"skip"}""")));
        try
        {
            var codes = answers.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, codes.Count(c => c == HttpStatusCode.Accepted));
            Assert.Equal(1, codes.Count(c => c == HttpStatusCode.Conflict));
        }
        finally
        {
            foreach (var answer in answers)
            {
                answer.Dispose();
            }
        }

        Assert.Equal("failed", (await Api.WaitFinalAsync(client, id)).GetProperty("status").GetString());
    }

    /// <summary>Runs a swap whose every attempt slips, with user fulfillment on, until it asks its user.</summary>
    private static async Task<(string Id, JsonElement View)> AwaitingItsUserAsync(HttpClient client)
    {
        var id = await Api.RunAsync(client, "100-jup-swap-sol-usdc",
            """{"faults":"slippage=1.0","recovery_config":{"enable_alternative_flows":false,"enable_user_fulfillment":true,"base_retry_delay_ms":10,"max_retry_delay_ms":10,"max_recovery_time_ms":200}}""");
        JsonElement view = default;
        await TestKit.Eventually.HoldsAsync(async () =>
        {
            using var r = await client.GetAsync($"/api/v1/executions/{id}");
            view = await r.ReadJsonAsync();
            return view.GetProperty("status").GetString() is "awaiting_user" or "completed" or "failed";
        }, TimeSpan.FromSeconds(30), "execution awaiting its user");
        Assert.Equal("awaiting_user", view.GetProperty("status").GetString());
        return (id, view);
    }
}
