using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;

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
}
