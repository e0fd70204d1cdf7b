using System.Net;
using System.Text;
using Reev.Cluster.Client.Gateway;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>The typed gateway client against a gateway that answers 429: it waits as Retry-After says and sends again.</summary>
public sealed class GatewayClientRateLimitTests
{
    [Fact]
    public async Task Client_RefusedByTheRateLimit_WaitsAsRetryAfterSaysAndSendsAgain()
    {
        var handler = new TooManyThenOk(refusals: 2);
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://gateway.test/") };
        var client = new ReevGatewayClient(http, "a-key");

        var page = await client.ListExecutionsAsync(null, null, null, null, CancellationToken.None);

        Assert.True(page.IsSuccess, page.Problem?.ToString());
        Assert.Equal(3, handler.Requests);
        Assert.All(handler.ApiKeys, k => Assert.Equal("a-key", k));
    }

    [Fact]
    public async Task Client_OutOfRateLimitRetries_ReturnsThe429()
    {
        var handler = new TooManyThenOk(refusals: 5);
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://gateway.test/") };
        var client = new ReevGatewayClient(http) { RateLimitRetries = 1 };

        var page = await client.ListExecutionsAsync(null, null, null, null, CancellationToken.None);

        Assert.False(page.IsSuccess);
        Assert.Equal(2, handler.Requests);
    }

    /// <summary>Answers 429 (Retry-After: 0) a number of times, then an empty page of executions.</summary>
    private sealed class TooManyThenOk(int refusals) : HttpMessageHandler
    {
        private const string Refused = """{"type":"https://reev.dev/problems/rate_limited","title":"Too many requests.","status":429,"code":"rate_limited"}""";
        private const string EmptyPage = """{"items":[],"limit":50}""";

        public int Requests { get; private set; }

        public List<string> ApiKeys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests++;
            ApiKeys.Add(request.Headers.TryGetValues("X-Api-Key", out var keys) ? keys.Single() : string.Empty);
            if (Requests <= refusals)
            {
                var refused = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                {
                    Content = new StringContent(Refused, Encoding.UTF8, "application/problem+json"),
                };
                refused.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
                return Task.FromResult(refused);
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(EmptyPage, Encoding.UTF8, "application/json") });
        }
    }
}
