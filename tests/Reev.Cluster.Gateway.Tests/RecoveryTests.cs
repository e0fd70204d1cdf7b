using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class RecoveryTests(GatewayFactory factory)
{
    [Fact]
    public async Task Config_GetPut_RoundTrips_AndPutNeedsAdmin()
    {
        using var admin = factory.Admin();
        using var get = await admin.GetAsync("/api/v1/recovery/config");
        var current = await get.ReadJsonAsync();
        Assert.Equal(1000, current.GetProperty("base_retry_delay_ms").GetInt32());

        using var op = factory.Operator();
        using var forbidden = await op.PutAsync("/api/v1/recovery/config", Api.Json("""{"base_retry_delay_ms":500}"""));
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden);

        using var put = await admin.PutAsync("/api/v1/recovery/config", Api.Json("""{"base_retry_delay_ms":1000,"max_retry_delay_ms":10000,"enable_user_fulfillment":false,"default_answer":"Abort"}"""));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/recovery/config");
        conditional.Headers.IfNoneMatch.Add(put.Headers.ETag!);
        using var notModified = await admin.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Theory]
    [InlineData("""{"max_retry_delay_ms":10,"base_retry_delay_ms":100}""", "max_retry_delay_ms")] // top-level in this body
    [InlineData("""{"backoff_multiplier":0.5}""", "backoff_multiplier")]
    [InlineData("""{"enable_alternative_flows":"yes"}""", "enable_alternative_flows")]
    public async Task Config_Invalid_Is400NamingTheField(string json, string field)
    {
        using var admin = factory.Admin();
        using var response = await admin.PutAsync("/api/v1/recovery/config", Api.Json(json));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Config_NoKey_Is401()
    {
        using var anonymous = factory.Anonymous();
        using var response = await anonymous.GetAsync("/api/v1/recovery/config");
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Metrics_CountRealRecoveries()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "100-jup-swap-sol-usdc",
            """{"faults":"slippage@1","recovery_config":{"enable_alternative_flows":true,"base_retry_delay_ms":10,"max_retry_delay_ms":10,"max_recovery_time_ms":300}}""");
        await Api.WaitFinalAsync(client, id);
        await TestKit.Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync("/api/v1/metrics/recovery");
            var body = await response.ReadJsonAsync();
            return response.StatusCode == HttpStatusCode.OK && body.GetProperty("successful_recoveries").GetInt64() >= 1
                && body.GetProperty("strategies_used").GetProperty("alternative_flows_used").GetInt64() >= 1;
        }, TimeSpan.FromSeconds(20), "recovery metrics count the alternate flow");
        using var anonymous = factory.Anonymous();
        using var unauthorized = await anonymous.GetAsync("/api/v1/metrics/recovery");
        await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
