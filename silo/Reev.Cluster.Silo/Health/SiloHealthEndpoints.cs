using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reev.Cluster.Silo.Health;

/// <summary>
/// <c>/health/live</c>: the process answers (200). <c>/health/ready</c>: 200 when the silo runs, owns partitions and
/// reaches its database, 503 otherwise (also while it drains after SIGTERM).
/// </summary>
internal static class SiloHealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    public static IEndpointRouteBuilder MapSiloHealth(this IEndpointRouteBuilder endpoints, SiloReadiness readiness)
    {
        endpoints.MapGet(LivePath, () => TypedResults.Json(new { status = "alive", silo = readiness.SiloId }));
        endpoints.MapGet(ReadyPath, async Task<IResult> (CancellationToken ct) =>
        {
            var report = await readiness.CheckAsync(ct).ConfigureAwait(false);
            var body = new
            {
                status = report.Ready ? "ready" : "not_ready",
                silo = readiness.SiloId,
                provider = readiness.Provider,
                owned_partitions = report.OwnedPartitions,
                partition_count = report.PartitionCount,
                detail = report.Detail,
            };
            return TypedResults.Json(body, statusCode: report.Ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return endpoints;
    }
}
