using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>How a silo host co-hosts the gateway: its own silo as the IReevCluster, AddReevGateway + MapReevGateway.</summary>
public sealed class CoHostingTests
{
    [Fact]
    public async Task SiloHost_WithAddAndMapReevGateway_ServesItsSilo()
    {
        var provider = ReevSiloBuilder.Provider(null);
        await using var silo = ReevSiloBuilder.Create(provider, loggerFactory: NullLoggerFactory.Instance);
        await Task.Run(() => silo.StartAsync(CancellationToken.None));
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<IReevCluster>(_ => new CoHostedReevCluster(silo, provider, null));
        builder.Services.AddReevGateway(o => o.RateLimitPermits = 1000);
        await using var app = builder.Build();
        app.MapReevGateway();
        await app.StartAsync();
        using var client = app.GetTestClient();

        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var id = await Api.RunAsync(client, "002-spl-transfer");
        Assert.Equal("completed", (await Api.WaitFinalAsync(client, id)).GetProperty("status").GetString());
        using var unknown = await client.GetAsync("/api/v1/executions/run-none");
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);

        await app.StopAsync();
        await Task.Run(() => silo.StopAsync(CancellationToken.None));
    }
}
