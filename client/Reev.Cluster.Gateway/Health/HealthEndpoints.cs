using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;

namespace Reev.Cluster.Gateway.Health;

/// <summary>Health probes, open without a key: live (the process answers), ready (store reachable, partitions owned).</summary>
internal static class HealthEndpoints
{
    private static readonly string Version = typeof(HealthEndpoints).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static void Map(IEndpointRouteBuilder root, RouteGroupBuilder api, bool mapProbes)
    {
        if (mapProbes)
        {
            root.MapGet("/health/live", (TimeProvider time) => TypedResults.Json(new { status = "alive", timestamp = time.GetUtcNow() }, GatewayJson.Options))
                .WithMetadata(OpenAccess.Instance).WithName("Live");
            root.MapGet("/health/ready", ReadyAsync).WithMetadata(OpenAccess.Instance).WithName("Ready");
        }

        api.MapGet("/health", async (IReevCluster cluster, TimeProvider time, CancellationToken ct) =>
        {
            var readiness = await cluster.CheckReadinessAsync(ct).ConfigureAwait(false);
            return TypedResults.Json(new { status = readiness.Ready ? "healthy" : "degraded", timestamp = time.GetUtcNow(), version = Version, detail = readiness.Detail }, GatewayJson.Options);
        }).WithMetadata(OpenAccess.Instance).WithName("Health");
    }

    private static async Task<IResult> ReadyAsync(IReevCluster cluster, TimeProvider time, CancellationToken ct)
    {
        var readiness = await cluster.CheckReadinessAsync(ct).ConfigureAwait(false);
        var body = new { status = readiness.Ready ? "ready" : "not_ready", timestamp = time.GetUtcNow(), readiness.Detail, owned_partitions = readiness.OwnedPartitions, partition_count = readiness.PartitionCount };
        return readiness.Ready
            ? TypedResults.Json(body, GatewayJson.Options)
            : Problems.Create(StatusCodes.Status503ServiceUnavailable, "not_ready", "The cluster is not ready.", readiness.Detail, null);
    }
}
