using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>Small helpers over HttpClient for the endpoint tests.</summary>
internal static class Api
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem+json response with its status and (when given) the failing field.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.StartsWith("https://reev.dev/problems/", problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.True(problem.TryGetProperty("detail", out var detail) && !string.IsNullOrEmpty(detail.GetString()), $"every problem has a detail: {body}");
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("field", out var f), $"no field in {body}");
            Assert.Equal(field, f.GetString());
        }

        return problem;
    }

    public static async Task<string> RunAsync(HttpClient client, string benchmark = "001-sol-transfer", string body = "{}")
    {
        using var response = await client.PostAsync($"/api/v1/benchmarks/{benchmark}/run", Json(body));
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, json.ToString());
        return json.GetProperty("execution_id").GetString()!;
    }

    public static async Task<JsonElement> WaitFinalAsync(HttpClient client, string executionId, TimeSpan? timeout = null)
    {
        JsonElement last = default;
        await Eventually.HoldsAsync(async () =>
        {
            using var response = await client.GetAsync($"/api/v1/executions/{executionId}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }

            last = await response.ReadJsonAsync();
            return last.GetProperty("is_final").GetBoolean() && last.GetProperty("consolidation").GetProperty("status").GetString() is not ("pending" or "in_progress");
        }, timeout ?? TimeSpan.FromSeconds(60), $"execution {executionId} final and consolidated");
        return last;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);
}
