using System.Net;
using System.Net.Http.Headers;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class HealthAndCatalogTests(GatewayFactory factory)
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/api/v1/health")]
    public async Task Health_WithoutKey_IsOpen(string path)
    {
        using var client = factory.Anonymous();
        using var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_EmbeddedSilo_OwnsEveryPartition()
    {
        using var client = factory.Anonymous();
        using var response = await client.GetAsync("/health/ready");
        var body = await response.ReadJsonAsync();
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(body.GetProperty("partition_count").GetInt32(), body.GetProperty("owned_partitions").GetInt32());
    }

    [Fact]
    public async Task Benchmarks_List_HasTheReferenceSet()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/benchmarks");
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = body.EnumerateArray().Select(b => b.GetProperty("id").GetString()).ToList();
        Assert.Contains("001-sol-transfer", ids);
        Assert.Contains("200-jup-swap-then-lend-deposit", ids);
        Assert.True(ids.Count >= 19, $"only {ids.Count} benchmarks");
    }

    [Fact]
    public async Task Benchmark_Get_ReturnsStepsAndRecentExecutions()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/benchmarks/116-jup-lend-redeem-usdc");
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, body.GetProperty("step_count").GetInt32());
        Assert.Equal(2, body.GetProperty("steps").GetArrayLength());
        Assert.Equal(JsonValueKindArray, body.GetProperty("recent_executions").ValueKind);
    }

    [Fact]
    public async Task Benchmark_GetSinglePromptFile_ListsItsPromptAsTheOneStep()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/benchmarks/001-sol-transfer");
        var body = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, body.GetProperty("step_count").GetInt32());
        var step = Assert.Single(body.GetProperty("steps").EnumerateArray());
        Assert.Equal(1, step.GetProperty("step").GetInt32());
        Assert.True(step.GetProperty("critical").GetBoolean(), body.ToString());
        Assert.Equal(body.GetProperty("description").GetString(), step.GetProperty("description").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindArray = System.Text.Json.JsonValueKind.Array;

    [Fact]
    public async Task Benchmark_Unknown_Is404Problem()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/benchmarks/999-nope");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "id");
    }

    [Fact]
    public async Task Benchmark_MalformedId_Is400Problem()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/benchmarks/..%2Fsecrets");
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task Benchmarks_WithoutKey_Is401()
    {
        using var client = factory.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", "not-a-key-at-all-000");
        using var response = await client.GetAsync("/api/v1/benchmarks");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "X-Api-Key");
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Benchmarks_BearerKey_IsAccepted()
    {
        using var client = factory.Anonymous();
        client.DefaultRequestHeaders.Authorization = GatewayFactory.Bearer(GatewayFactory.ReaderKey);
        using var response = await client.GetAsync("/api/v1/benchmarks");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Benchmarks_MatchingETag_Is304()
    {
        using var client = factory.Reader();
        using var first = await client.GetAsync("/api/v1/benchmarks");
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString() ?? string.Empty);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/benchmarks");
        request.Headers.IfNoneMatch.Add(etag);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Agents_ListsTheRegistry()
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/agents");
        var body = await response.ReadJsonAsync();
        var agents = body.EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("deterministic", agents);
        Assert.Contains("noop", agents);
    }

    [Fact]
    public async Task Agents_WithoutKey_Is401()
    {
        using var client = factory.Anonymous();
        using var response = await client.GetAsync("/api/v1/agents");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task OpenApi_Document_DescribesTheApi()
    {
        using var client = factory.Anonymous();
        using var response = await client.GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/executions/{executionId}", text);
        Assert.Contains("/api/v1/benchmarks/execute-direct", text);
    }

    [Theory]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/health")]
    public async Task UnknownRoute_IsProblemWithADetailNamingThePath(string path)
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync(path);
        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Contains($"GET {path} ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KnownRouteOtherMethod_IsProblemWithADetailNamingPathAndMethod()
    {
        using var client = factory.Reader();
        using var response = await client.PutAsync("/api/v1/agents", null);
        var problem = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
        Assert.Equal("/api/v1/agents does not accept PUT.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public void Client_MessageJson_MatchesTheSilos()
    {
        var client = Client.ReevClusterJson.MessageOptions;
        var silo = Grains.Hosting.ReevGrains.SerializerOptions;
        var sample = new GrainInterfaces.CancelRequest("a", "b");
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(sample, silo), System.Text.Json.JsonSerializer.Serialize(sample, client));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(GrainInterfaces.ExecutionStatus.AwaitingUser, silo), System.Text.Json.JsonSerializer.Serialize(GrainInterfaces.ExecutionStatus.AwaitingUser, client));
    }
}
