using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>
/// The gateway on PostgreSQL: (1) remote mode, a cluster client of a silo that runs beside it (the gateway hosts no
/// grains; commands and asks go through the store, listings through SQL on the read models); (2) co-hosting one silo.
/// </summary>
public sealed class PostgresGatewayFixture : IAsyncLifetime
{
    private Silo? _silo;

    public TestDatabase Database { get; private set; } = null!;

    public PostgresFactory Remote { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestPostgres.CreateDatabaseAsync("gateway");
        _silo = ReevSiloBuilder.Create(ReevSiloBuilder.Provider(Database.ConnectionString), new SiloOptions { PollInterval = TimeSpan.FromMilliseconds(100) }, NullLoggerFactory.Instance);
        await Task.Run(() => _silo.StartAsync(CancellationToken.None));
        Remote = new PostgresFactory(Database.ConnectionString, hostSilo: false);
    }

    public async Task DisposeAsync()
    {
        await Remote.DisposeAsync();
        if (_silo is not null)
        {
            await Task.Run(() => _silo.StopAsync(CancellationToken.None));
            await _silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}

public sealed class PostgresFactory(string connectionString, bool hostSilo) : GatewayFactory
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Reev:Client:ConnectionString"] = connectionString,
        ["Reev:Client:AskTimeout"] = "00:00:20",
        ["Reev:Gateway:HostSilo"] = hostSilo ? "true" : "false",
    };
}

public sealed class PostgresGatewayTests(PostgresGatewayFixture fixture) : IClassFixture<PostgresGatewayFixture>
{
    [Fact]
    public async Task RemoteGateway_RunsListsAndReadsThroughPostgres()
    {
        using var client = fixture.Remote.Operator();
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var first = await Api.RunAsync(client, "116-jup-lend-redeem-usdc");
        var second = await Api.RunAsync(client, "116-jup-lend-redeem-usdc");
        Assert.Equal("completed", (await Api.WaitFinalAsync(client, first)).GetProperty("status").GetString());
        await Api.WaitFinalAsync(client, second);

        using var page1 = await client.GetAsync("/api/v1/executions?benchmark_id=116-jup-lend-redeem-usdc&limit=1&status=completed");
        var body1 = await page1.ReadJsonAsync();
        var cursor = body1.GetProperty("next_cursor").GetString()!;
        using var page2 = await client.GetAsync("/api/v1/executions?benchmark_id=116-jup-lend-redeem-usdc&limit=1&status=completed&cursor=" + Uri.EscapeDataString(cursor));
        var body2 = await page2.ReadJsonAsync();
        // Newest first by the time each grain accepted its start; the two pages hold both, once.
        var paged = new[] { body1, body2 }.Select(b => b.GetProperty("items")[0].GetProperty("execution_id").GetString()).ToHashSet();
        Assert.Equal(new HashSet<string?> { first, second }, paged);
        Assert.False(body2.TryGetProperty("next_cursor", out _));

        using var sessions = await client.GetAsync($"/api/v1/flows/{first}/sessions");
        Assert.Equal(2, (await sessions.ReadJsonAsync()).GetProperty("sessions").GetArrayLength());
        using var status = await client.GetAsync($"/api/v1/sessions/{first}:2/status");
        Assert.Equal("succeeded", (await status.ReadJsonAsync()).GetProperty("status").GetString());
        using var consolidated = await client.GetAsync($"/api/v1/executions/{first}/consolidated");
        var sessionId = (await consolidated.ReadJsonAsync()).GetProperty("session_id").GetString();
        using var bySession = await client.GetAsync($"/api/v1/sessions/consolidated/{sessionId}");
        Assert.Equal(HttpStatusCode.OK, bySession.StatusCode);
        using var diagram = await client.GetAsync($"/api/v1/flows/{first}?format=mermaid");
        Assert.Contains("S2 --> Consolidation", await diagram.Content.ReadAsStringAsync());
        using var benchmark = await client.GetAsync("/api/v1/benchmarks/116-jup-lend-redeem-usdc");
        Assert.Equal(2, (await benchmark.ReadJsonAsync()).GetProperty("recent_executions").GetArrayLength());
    }

    [Fact]
    public async Task CoHostedSilo_OnPostgres_RunsAFlow()
    {
        await using var factory = new PostgresFactory(fixture.Database.ConnectionString, hostSilo: true);
        using var client = factory.Operator();
        var id = await Api.RunAsync(client, "001-sol-transfer");
        Assert.Equal("completed", (await Api.WaitFinalAsync(client, id)).GetProperty("status").GetString());
        using var list = await client.GetAsync("/api/v1/executions?benchmark_id=001-sol-transfer");
        Assert.Contains((await list.ReadJsonAsync()).GetProperty("items").EnumerateArray(), e => e.GetProperty("execution_id").GetString() == id);
    }
}
