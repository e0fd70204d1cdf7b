using System.Net;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>A gateway whose API keys have a tiny rate limit.</summary>
public sealed class RateLimitedGatewayFactory : GatewayFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Reev:Gateway:RateLimitPermits"] = "5",
        ["Reev:Gateway:RateLimitWindow"] = "01:00:00",
    };
}

/// <summary>A gateway without API keys (the embedded default): open to loopback only.</summary>
public sealed class OpenGatewayFactory : GatewayFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reev:Gateway:EventPollInterval"] = "00:00:00.050",
    };
}

public sealed class RateLimitTests(RateLimitedGatewayFactory factory) : IClassFixture<RateLimitedGatewayFactory>
{
    [Fact]
    public async Task Flood_BeyondTheLimit_Is429WithRetryAfter_PerKey()
    {
        using var reader = factory.Reader();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await reader.GetAsync("/api/v1/agents");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                await response.AssertProblemAsync(HttpStatusCode.TooManyRequests);
            }
        }

        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        using var other = factory.Operator();
        using var fresh = await other.GetAsync("/api/v1/agents");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        using var anonymous = factory.Anonymous();
        using var health = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}

public sealed class OpenModeTests(OpenGatewayFactory factory) : IClassFixture<OpenGatewayFactory>
{
    [Fact]
    public async Task NoKeysConfigured_LoopbackCallerIsAdmin()
    {
        using var client = factory.Anonymous();
        using var run = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json("{}"));
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        using var put = await client.PutAsync("/api/v1/recovery/config", Api.Json("{}"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
    }

    [Fact]
    public async Task NoKeysConfigured_AnyPresentedKey_Is401()
    {
        using var client = factory.Anonymous();
        client.DefaultRequestHeaders.Add("X-Api-Key", "some-key-that-is-unknown");
        using var response = await client.GetAsync("/api/v1/agents");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}

[Collection(GatewayCollection.Name)]
public sealed class ConcurrencyTests(GatewayFactory factory)
{
    [Fact]
    public async Task TwoHundredConcurrentPosts_All202_AndAllFinish()
    {
        using var client = factory.Operator();
        var posts = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await client.PostAsync("/api/v1/benchmarks/001-sol-transfer/run", Api.Json($$"""{"agent":"deterministic","seed":{{i}}}"""));
            var body = await response.ReadJsonAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST {i}: {(int)response.StatusCode} {body}");
            return body.GetProperty("execution_id").GetString()!;
        });
        var ids = await Task.WhenAll(posts);
        Assert.Equal(200, ids.Distinct().Count());

        var pending = ids.ToHashSet();
        await TestKit.Eventually.HoldsAsync(async () =>
        {
            foreach (var id in pending.ToList())
            {
                using var response = await client.GetAsync($"/api/v1/executions/{id}");
                var view = await response.ReadJsonAsync();
                if (view.GetProperty("is_final").GetBoolean())
                {
                    Assert.Equal("completed", view.GetProperty("status").GetString());
                    pending.Remove(id);
                }
            }

            return pending.Count == 0;
        }, TimeSpan.FromSeconds(120), "all 200 executions final");
    }
}
