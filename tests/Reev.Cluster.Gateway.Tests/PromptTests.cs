using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class PromptTests(GatewayFactory factory)
{
    [Theory]
    [InlineData("execute-direct", "direct", "direct")]
    [InlineData("execute-dynamic", "bridge", "bridge")]
    [InlineData("execute-recovery", "recovery", "direct")]
    public async Task Execute_TwoStepPrompt_Is202_AndCompletes(string path, string kind, string source)
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync($"/api/v1/benchmarks/{path}", Api.Json(
            """{"prompt":"swap 0.5 SOL to USDC then lend it","agent":"deterministic","atomic_mode":"Lenient","recovery_config":{"max_recovery_time_ms":10000,"enable_alternative_flows":true}}"""));
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToString());
        Assert.Equal(kind, body.GetProperty("kind").GetString());
        var id = body.GetProperty("execution_id").GetString()!;
        Assert.StartsWith(kind + "-", id);
        var final = await Api.WaitFinalAsync(client, id);
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal(source, final.GetProperty("source").GetString());
        Assert.Equal("lenient", final.GetProperty("atomic_mode").GetString());
        Assert.True(final.GetProperty("steps").GetArrayLength() >= 2);
    }

    [Fact]
    public async Task Execute_PlannerRejects_Is422WithReason()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/execute-direct", Api.Json("""{"prompt":"swap 5 DOGECOINZ to USDC"}"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "prompt");
        Assert.Equal("prompt_rejected", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Execute_AmountAboveBalance_Is422()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/execute-direct", Api.Json("""{"prompt":"swap 50 SOL to USDC","wallet_sol":1}"""));
        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "prompt");
        Assert.Equal("amount_above_balance", problem.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{}""", "prompt")]
    [InlineData("""{"prompt":"  "}""", "prompt")]
    [InlineData("""{"prompt":"swap 0.1 SOL to USDC","wallet":"not-base58!"}""", "wallet")]
    [InlineData("""{"prompt":"swap 0.1 SOL to USDC","wallet_sol":-1}""", "wallet_sol")]
    [InlineData("""{"prompt":"swap 0.1 SOL to USDC","agent":"nobody"}""", "agent")]
    [InlineData("""{"prompt":"swap 0.1 SOL to USDC","recovery_config":{"max_recovery_time_ms":0}}""", "recovery_config.max_recovery_time_ms")]
    [InlineData("""{"prompt":42}""", "prompt")]
    [InlineData("""{"prompt":"swap 0.1 SOL\u0000 to USDC"}""", "prompt")]
    [InlineData("""{"prompt":"\ud800\u0000"}""", "prompt")]
    public async Task Execute_BadBody_Is400NamingTheField(string json, string field)
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/execute-recovery", Api.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Execute_NoBody_Is400()
    {
        using var client = factory.Operator();
        using var response = await client.PostAsync("/api/v1/benchmarks/execute-direct", Api.Json(""));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "body");
    }

    [Fact]
    public async Task Execute_ReaderKey_Is403_AndNoKey_Is401()
    {
        using var reader = factory.Reader();
        using var forbidden = await reader.PostAsync("/api/v1/benchmarks/execute-dynamic", Api.Json("""{"prompt":"swap 0.1 SOL to USDC"}"""));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var anonymous = factory.Anonymous();
        using var unauthenticated = await anonymous.PostAsync("/api/v1/benchmarks/execute-dynamic", Api.Json("""{"prompt":"swap 0.1 SOL to USDC"}"""));
        await unauthenticated.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Execute_SameIdempotencyKey_ReturnsTheSameExecution()
    {
        using var client = factory.Operator();
        var key = "prompt-" + Guid.NewGuid();
        var ids = new List<string>();
        foreach (var _ in new[] { 1, 2 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/benchmarks/execute-direct") { Content = Api.Json("""{"prompt":"swap 0.1 SOL to USDC"}""") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add((await response.ReadJsonAsync()).GetProperty("execution_id").GetString()!);
        }

        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task Execute_SameIdempotencyKey_ConcurrentlyForDifferentPrompts_AcceptsOnlyOne()
    {
        using var client = factory.Operator();
        var key = "race-" + Guid.NewGuid();
        var responses = await Task.WhenAll(Enumerable.Range(1, 6).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/benchmarks/execute-direct") { Content = Api.Json($$"""{"prompt":"swap 0.{{i}} SOL to USDC"}""") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }));

        // One request made the execution; every other one, with another prompt, learns that its key was taken.
        Assert.Equal(1, responses.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(5, responses.Count(s => s == HttpStatusCode.Conflict));
    }

    [Fact]
    public async Task Execute_SameIdempotencyKey_ForAnotherPromptOrEndpoint_Is409()
    {
        using var client = factory.Operator();
        var key = "reused-" + Guid.NewGuid();
        async Task<HttpResponseMessage> PostAsync(string path, string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Api.Json(json) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }

        using var first = await PostAsync("/api/v1/benchmarks/execute-direct", """{"prompt":"swap 0.1 SOL to USDC"}""");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.ReadJsonAsync()).GetProperty("execution_id").GetString();

        // The same body again, spaced differently: a retry, replayed.
        using var retry = await PostAsync("/api/v1/benchmarks/execute-direct", """{ "prompt" : "swap 0.1 SOL to USDC" }""");
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        var replayed = await retry.ReadJsonAsync();
        Assert.Equal(id, replayed.GetProperty("execution_id").GetString());
        Assert.Equal("direct", replayed.GetProperty("kind").GetString());

        // Another prompt, or the same prompt on another endpoint, with the same key: a conflict, not the first flow's 202.
        using var otherPrompt = await PostAsync("/api/v1/benchmarks/execute-direct", """{"prompt":"swap 0.2 SOL to USDC"}""");
        var conflict = await otherPrompt.AssertProblemAsync(HttpStatusCode.Conflict, "Idempotency-Key");
        Assert.Equal("idempotency_key_reused", conflict.GetProperty("code").GetString());
        using var otherEndpoint = await PostAsync("/api/v1/benchmarks/execute-dynamic", """{"prompt":"swap 0.1 SOL to USDC"}""");
        await otherEndpoint.AssertProblemAsync(HttpStatusCode.Conflict, "Idempotency-Key");
    }
}
