using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Gateway.Benchmarks;
using Reev.Cluster.Gateway.Diagrams;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Health;
using Reev.Cluster.Gateway.Logs;
using Reev.Cluster.Gateway.Recovery;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.Gateway.Sessions;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>Maps the gateway's endpoints onto any ASP.NET Core host.</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/api/v1/**</c>, <c>/health/live</c>, <c>/health/ready</c> and <c>/openapi/v1.json</c>. Keys, roles,
    /// rate limits and error conduct come with the endpoints (an endpoint filter), whatever the host's pipeline.
    /// </summary>
    public static IEndpointRouteBuilder MapReevGateway(this IEndpointRouteBuilder endpoints) => endpoints.MapReevGateway(mapHealthProbes: true);

    /// <summary>
    /// Maps the gateway; with <paramref name="mapHealthProbes"/> false, <c>/health/live</c> and <c>/health/ready</c> are
    /// left to the host (a silo host keeps its own probes, with the silo's readiness) while <c>/api/v1/health</c> stays.
    /// </summary>
    public static IEndpointRouteBuilder MapReevGateway(this IEndpointRouteBuilder endpoints, bool mapHealthProbes)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var keys = endpoints.ServiceProvider.GetRequiredService<ApiKeyStore>();
        if (keys.IsOpen)
        {
            GatewayLog.OpenOnLoopback(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Reev.Cluster.Gateway"));
        }

        var filter = endpoints.ServiceProvider.GetRequiredService<GatewayAccessFilter>();
        var root = endpoints.MapGroup(string.Empty).AddEndpointFilter(filter);
        var api = root.MapGroup("/api/v1");
        HealthEndpoints.Map(root, api, mapHealthProbes);
        BenchmarkEndpoints.Map(api);
        ExecutionEndpoints.Map(api);
        SessionEndpoints.Map(api);
        RecoveryEndpoints.Map(api);
        DiagramEndpoints.Map(api);
        LogEndpoints.Map(api);
        endpoints.MapOpenApi("/openapi/{documentName}.json");
        return endpoints;
    }
}
