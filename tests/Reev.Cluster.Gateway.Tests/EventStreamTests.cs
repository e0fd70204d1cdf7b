using System.Net;

namespace Reev.Cluster.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class EventStreamTests(GatewayFactory factory)
{
    private sealed record Sse(long? Id, string Type, string Data);

    private static async Task<List<Sse>> ReadAllAsync(HttpClient client, string url, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var events = new List<Sse>();
        long? id = null;
        string? type = null;
        string? data = null;
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    events.Add(new Sse(id, type, data ?? string.Empty));
                }

                (id, type, data) = (null, null, null);
                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        return events;
    }

    [Fact]
    public async Task Events_LiveTwoStepFlow_InOrder_EndingWithFinal()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "116-jup-lend-redeem-usdc");
        var events = await ReadAllAsync(client, $"/api/v1/executions/{id}/events");
        var numbered = events.Where(e => e.Id is not null).ToList();
        Assert.Equal(Enumerable.Range(1, numbered.Count).Select(i => (long)i), numbered.Select(e => e.Id!.Value));
        Assert.Equal("accepted", numbered[0].Type);
        Assert.Equal("final", numbered[^1].Type);
        Assert.Equal("end", events[^1].Type);
        Assert.Contains(numbered, e => e.Type == "tool_called");
        Assert.Contains("\"sequence\":1", numbered[0].Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_ResumeWithLastEventId_NoLossNoRepeat()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "200-jup-swap-then-lend-deposit");
        var all = (await ReadAllAsync(client, $"/api/v1/executions/{id}/events")).Where(e => e.Id is not null).ToList();
        var resumed = (await ReadAllAsync(client, $"/api/v1/executions/{id}/events", "3")).Where(e => e.Id is not null).ToList();
        Assert.Equal(all.Skip(3).Select(e => (e.Id, e.Type)), resumed.Select(e => (e.Id, e.Type)));
        var query = (await ReadAllAsync(client, $"/api/v1/executions/{id}/events?last_event_id={all.Count}")).Where(e => e.Id is not null).ToList();
        Assert.Empty(query);
    }

    [Fact]
    public async Task Events_CancelledExecution_StreamEnds()
    {
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "001-sol-transfer", """{"faults":"transient=1.0","recovery_config":{"base_retry_delay_ms":5000,"max_retry_delay_ms":5000,"max_recovery_time_ms":20000}}""");
        using var cancel = await client.DeleteAsync($"/api/v1/executions/{id}");
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var events = await ReadAllAsync(client, $"/api/v1/executions/{id}/events");
        Assert.Contains(events, e => e.Type == "cancelled");
        Assert.Equal("end", events[^1].Type);
    }

    [Fact]
    public async Task Events_Errors()
    {
        using var client = factory.Reader();
        using var unknown = await client.GetAsync("/api/v1/executions/run-nope/events");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/executions/run-nope/events");
        request.Headers.Add("Last-Event-ID", "minus-one");
        using var bad = await client.SendAsync(request);
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "Last-Event-ID");
        using var anonymous = factory.Anonymous();
        using var unauthorized = await anonymous.GetAsync("/api/v1/executions/run-nope/events");
        await unauthorized.AssertProblemAsync(HttpStatusCode.Unauthorized);
    }
}
