using System.Net;
using System.Net.Sockets;
using System.Text;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>The typed gateway client (for the CLI's remote mode) against the real gateway.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayClientTests(GatewayFactory factory)
{
    [Fact]
    public async Task Client_RunFollowReadList()
    {
        using var http = factory.CreateClient();
        var client = new ReevGatewayClient(http, GatewayFactory.OperatorKey);
        var accepted = await client.RunBenchmarkAsync("116-jup-lend-redeem-usdc", new { agent = "deterministic" }, null, CancellationToken.None);
        Assert.True(accepted.IsSuccess, accepted.Problem?.ToString());
        var id = accepted.Value!.ExecutionId;

        var events = new List<GatewayEvent>();
        await foreach (var e in client.StreamEventsAsync(id, 0, CancellationToken.None))
        {
            events.Add(e);
        }

        Assert.Equal("final", events[^1].Type);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Sequence));

        var execution = await client.GetExecutionAsync(id, CancellationToken.None);
        Assert.Equal(ExecutionStatus.Completed, execution.Value!.Status);
        Assert.Equal(2, execution.Value.Steps.Count);

        var page = await client.ListExecutionsAsync("completed", "116-jup-lend-redeem-usdc", 100, null, CancellationToken.None);
        Assert.Contains(page.Value!.Items, i => i.ExecutionId == id);

        var cancel = await client.CancelAsync(id, "too late", CancellationToken.None);
        Assert.Equal("already_finished", cancel.Problem?.Code);
        var answer = await client.AnswerAsync(id, "retry", CancellationToken.None);
        Assert.Equal(409, answer.Problem?.Status);
    }

    [Fact]
    public async Task Client_Problems_AreResults()
    {
        using var http = factory.CreateClient();
        var client = new ReevGatewayClient(http, GatewayFactory.OperatorKey);
        var missing = await client.GetExecutionAsync("run-none", CancellationToken.None);
        Assert.Equal(404, missing.Problem?.Status);
        var rejected = await client.ExecutePromptAsync("direct", new { prompt = "swap 3 FOO to BAR" }, null, CancellationToken.None);
        Assert.Equal("prompt_rejected", rejected.Problem?.Code);
        Assert.Equal("prompt", rejected.Problem?.Field);
        var unauthenticated = await new ReevGatewayClient(http).ListExecutionsAsync(null, null, null, null, CancellationToken.None);
        Assert.Equal(401, unauthenticated.Problem?.Status);
    }

    [Fact]
    public async Task Client_EventStreamSilentPastItsIdleTimeout_IsResumed()
    {
        // A server that answers the stream's headers and then says nothing (as behind a dead NAT entry): the client must
        // take it as dropped and connect again with Last-Event-ID, not wait for ever.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var requests = new List<string>();
        using var stop = new CancellationTokenSource();
        var server = Task.Run(async () =>
        {
            var held = new List<TcpClient>();
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    var connection = await listener.AcceptTcpClientAsync(stop.Token);
                    held.Add(connection); // kept open and silent
                    var stream = connection.GetStream();
                    var buffer = new byte[4096];
                    var read = await stream.ReadAsync(buffer, stop.Token);
                    lock (requests)
                    {
                        requests.Add(Encoding.ASCII.GetString(buffer, 0, read));
                    }

                    await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"), stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // the test is over
            }
            finally
            {
                held.ForEach(c => c.Dispose());
            }
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var client = new ReevGatewayClient(http) { StreamIdleTimeout = TimeSpan.FromMilliseconds(300) };
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(20));

        var follow = Task.Run(async () =>
        {
            await foreach (var _ in client.StreamEventsAsync("silent-1", 7, reading.Token))
            {
            }
        });
        await Eventually.HoldsAsync(() => { lock (requests) { return requests.Count >= 2; } }, TimeSpan.FromSeconds(15), "the silent stream is resumed");
        await reading.CancelAsync();
        await stop.CancelAsync();
        listener.Stop();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follow);
        await server;

        lock (requests)
        {
            Assert.All(requests, r => Assert.Contains("Last-Event-ID: 7", r, StringComparison.OrdinalIgnoreCase));
        }
    }
}
