using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class ListingTests(GatewayFactory factory)
{
    [Fact]
    public async Task List_PagesWithCursor_WithoutGapsOrRepeats()
    {
        using var client = factory.Operator();
        var mine = new HashSet<string>();
        for (var i = 0; i < 5; i++)
        {
            mine.Add(await Api.RunAsync(client, "003-spl-transfer-fail"));
        }

        foreach (var id in mine)
        {
            await Api.WaitFinalAsync(client, id);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var url = "/api/v1/executions?benchmark_id=003-spl-transfer-fail&limit=2" + (cursor is null ? string.Empty : "&cursor=" + Uri.EscapeDataString(cursor));
            using var response = await client.GetAsync(url);
            var body = await response.ReadJsonAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(body.GetProperty("items").GetArrayLength() <= 2);
            seen.AddRange(body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("execution_id").GetString()!));
            cursor = body.TryGetProperty("next_cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Superset(mine, seen.ToHashSet());
    }

    [Fact]
    public async Task List_StatusFilter_AnyCase()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client);
        await Api.WaitFinalAsync(client, id);
        using var response = await client.GetAsync("/api/v1/executions?status=Completed&limit=500");
        var body = await response.ReadJsonAsync();
        Assert.All(body.GetProperty("items").EnumerateArray(), e => Assert.Equal("completed", e.GetProperty("status").GetString()));
        Assert.Contains(body.GetProperty("items").EnumerateArray(), e => e.GetProperty("execution_id").GetString() == id);
    }

    [Theory]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=abc", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("status=exploded", "status")]
    [InlineData("benchmark_id=../x", "benchmark_id")]
    [InlineData("cursor=Zm9yZ2VkLWN1cnNvcg", "cursor")]
    [InlineData("cursor=%%%", "cursor")]
    [InlineData("status=queued&status=running", "status")]
    [InlineData("limit=2&limit=3", "limit")]
    // A well-sealed cursor (the built-in key) whose id is not an id: checked like any input, not trusted for its seal.
    [InlineData("cursor=YzEKNjM4NzAwMDAwMDAwMDAwMDAwCmEAYgp8_CURSORMAC_", "cursor")]
    public async Task List_BadQuery_Is400NamingTheParameter(string query, string field)
    {
        using var client = factory.Reader();
        using var response = await client.GetAsync("/api/v1/executions?" + query.Replace("YzEKNjM4NzAwMDAwMDAwMDAwMDAwCmEAYgp8_CURSORMAC_", SealedCursor("c1\n638700000000000000\na\0b\n|"), StringComparison.Ordinal));
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    private static string SealedCursor(string payload)
    {
        var key = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes("reev-cursor:built-in"));
        var bytes = System.Text.Encoding.UTF8.GetBytes(payload);
        var mac = System.Security.Cryptography.HMACSHA256.HashData(key, bytes).AsSpan(0, 16);
        return System.Buffers.Text.Base64Url.EncodeToString([.. bytes, .. mac]);
    }

    [Fact]
    public async Task List_CursorOfAnotherQuery_Is400()
    {
        using var client = factory.Operator();
        // Listings read the read model, written when the grain processes the start (just after the 202).
        await Api.WaitFinalAsync(client, await Api.RunAsync(client, "002-spl-transfer"));
        await Api.WaitFinalAsync(client, await Api.RunAsync(client, "002-spl-transfer"));
        using var first = await client.GetAsync("/api/v1/executions?benchmark_id=002-spl-transfer&limit=1");
        var cursor = (await first.ReadJsonAsync()).GetProperty("next_cursor").GetString()!;
        using var tampered = await client.GetAsync("/api/v1/executions?benchmark_id=001-sol-transfer&limit=1&cursor=" + Uri.EscapeDataString(cursor));
        await tampered.AssertProblemAsync(HttpStatusCode.BadRequest, "cursor");
        var flipped = (cursor[5] == 'A' ? "B" : "A");
        using var forged = await client.GetAsync("/api/v1/executions?benchmark_id=002-spl-transfer&limit=1&cursor=" + Uri.EscapeDataString(cursor[..5] + flipped + cursor[6..]));
        await forged.AssertProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task List_WithoutKey_Is401_AndETag304()
    {
        using var anonymous = factory.Anonymous();
        using var unauthorized = await anonymous.GetAsync("/api/v1/executions");
        await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
        using var client = factory.Reader();
        using var first = await client.GetAsync("/api/v1/executions?benchmark_id=none-such");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/executions?benchmark_id=none-such");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }
}
