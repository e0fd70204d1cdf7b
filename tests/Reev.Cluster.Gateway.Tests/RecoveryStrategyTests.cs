using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RecoveryStrategyTests(GatewayFactory factory)
{
    private const string Path = "/api/v1/recovery/strategies";

    [Fact]
    public async Task Create_Admin_Is201WithLocation_AndListedThenDeleted()
    {
        using var admin = factory.Admin();
        var pattern = $"custom-{Guid.NewGuid():N}";

        using var created = await admin.PostAsync(Path, Api.Json($$"""{"error_pattern":"{{pattern}}","alternate":"second_venue","tool":"jupiter_swap","priority":5}"""));
        var body = await created.ReadJsonAsync();

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST: expected 201, got {(int)created.StatusCode}: {body}");
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"{Path}/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(pattern, body.GetProperty("error_pattern").GetString());
        Assert.Equal("substring", body.GetProperty("pattern_kind").GetString());
        Assert.Equal("second_venue", body.GetProperty("alternate").GetString());
        Assert.Equal("jupiter_swap", body.GetProperty("tool").GetString());
        Assert.Equal(5, body.GetProperty("priority").GetInt32());
        Assert.True(body.GetProperty("created_at").GetDateTimeOffset() > DateTimeOffset.UnixEpoch);

        using var reader = factory.Reader();
        using var list = await reader.GetAsync(Path);
        var listed = await list.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(listed.GetProperty("strategies").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        using var one = await reader.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);

        using var deleted = await admin.DeleteAsync($"{Path}/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var after = await reader.GetAsync(Path);
        Assert.DoesNotContain((await after.ReadJsonAsync()).GetProperty("strategies").EnumerateArray(), s => s.GetProperty("id").GetString() == id);
        using var gone = await admin.DeleteAsync($"{Path}/{id}");
        await gone.AssertProblemAsync(HttpStatusCode.NotFound, "strategy_id");
    }

    [Fact]
    public async Task Create_RegexAcceptedInAnySpelling_AndRetriedWithTheSameIdempotencyKeyIsTheSameRule()
    {
        using var admin = factory.Admin();
        var key = $"key-{Guid.NewGuid():N}";
        async Task<string> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = Api.Json("""{"error_pattern":"^Slippage.*$","pattern_kind":"REGEX","alternate":"FreshAttempt"}""") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await admin.SendAsync(request);
            var body = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST with Idempotency-Key {key}: {(int)response.StatusCode} {body}");
            Assert.Equal("regex", body.GetProperty("pattern_kind").GetString());
            Assert.Equal("fresh_attempt", body.GetProperty("alternate").GetString());
            return body.GetProperty("id").GetString()!;
        }

        var first = await PostAsync();
        var second = await PostAsync();

        Assert.Equal(first, second);

        // The same key for another rule is a conflict, not the first rule's 201.
        using var other = new HttpRequestMessage(HttpMethod.Post, Path) { Content = Api.Json("""{"error_pattern":"liquidity","alternate":"second_venue"}""") };
        other.Headers.Add("Idempotency-Key", key);
        using var conflict = await admin.SendAsync(other);
        var problem = await conflict.AssertProblemAsync(HttpStatusCode.Conflict, "Idempotency-Key");
        Assert.Equal("idempotency_key_reused", problem.GetProperty("code").GetString());
        using var cleanup = await admin.DeleteAsync($"{Path}/{first}");
        Assert.Equal(HttpStatusCode.NoContent, cleanup.StatusCode);
    }

    [Theory]
    [InlineData("""{"error_pattern":"(unclosed","pattern_kind":"regex","alternate":"second_venue"}""", "error_pattern")]
    [InlineData("""{"error_pattern":"","alternate":"second_venue"}""", "error_pattern")]
    [InlineData("""{"error_pattern":"slippage","alternate":"teleport"}""", "alternate")]
    [InlineData("""{"error_pattern":"slippage","alternate":"none"}""", "alternate")]
    [InlineData("""{"error_pattern":"slippage"}""", "alternate")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","tool":"teleport"}""", "tool")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","pattern_kind":"glob"}""", "pattern_kind")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","pattern_kind":"1"}""", "pattern_kind")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","pattern_kind":"substring, regex"}""", "pattern_kind")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","priority":"high"}""", "priority")]
    [InlineData("""{"error_pattern":"slippage","alternate":"second_venue","priority":5000}""", "priority")]
    public async Task Create_Invalid_Is400NamingTheField(string json, string field)
    {
        using var admin = factory.Admin();

        using var response = await admin.PostAsync(Path, Api.Json(json));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.StartsWith(field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownAlternate_ListsTheKnownOnes()
    {
        using var admin = factory.Admin();

        using var response = await admin.PostAsync(Path, Api.Json("""{"error_pattern":"slippage","alternate":"teleport"}"""));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "alternate");
        Assert.Contains("reduced_amount, second_venue, fresh_attempt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithoutKey_Is401_AndReaderOrOperator_Is403()
    {
        const string json = """{"error_pattern":"slippage","alternate":"second_venue"}""";
        using var anonymous = factory.Anonymous();
        using var unauthorized = await anonymous.PostAsync(Path, Api.Json(json));
        await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var listUnauthorized = await anonymous.GetAsync(Path);
        await listUnauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);

        using var reader = factory.Reader();
        using var forbidden = await reader.PostAsync(Path, Api.Json(json));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var op = factory.Operator();
        using var operatorForbidden = await op.PostAsync(Path, Api.Json(json));
        await operatorForbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
        using var deleteForbidden = await reader.DeleteAsync($"{Path}/rs_0123456789abcdef");
        await deleteForbidden.AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Delete_Unknown_Is404()
    {
        using var admin = factory.Admin();

        using var response = await admin.DeleteAsync($"{Path}/rs_doesnotexist");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "strategy_id");
    }

    [Fact]
    public async Task Strategy_FiresOnARealExecution_AndTheExecutionNamesIt()
    {
        using var admin = factory.Admin();
        using var created = await admin.PostAsync(Path, Api.Json("""{"error_pattern":"0x1771","alternate":"second_venue","tool":"jupiter_swap","priority":900}"""));
        var id = (await created.ReadJsonAsync()).GetProperty("id").GetString()!;
        try
        {
            using var client = factory.Operator();
            var executionId = await Api.RunAsync(client, "100-jup-swap-sol-usdc",
                """{"faults":"slippage@1","recovery_config":{"enable_alternative_flows":true,"base_retry_delay_ms":10,"max_retry_delay_ms":10,"max_recovery_time_ms":300}}""");
            var execution = await Api.WaitFinalAsync(client, executionId);

            Assert.Contains(execution.GetProperty("recovery_actions").EnumerateArray(), a => a.TryGetProperty("rule_id", out var rule) && rule.GetString() == id);
            Assert.Equal("second_venue", execution.GetProperty("steps")[0].GetProperty("alternate").GetString());
        }
        finally
        {
            using var deleted = await admin.DeleteAsync($"{Path}/{id}");
        }
    }
}
