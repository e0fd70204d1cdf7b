using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Recovery;

/// <summary>Recovery defaults (<c>GET/PUT /api/v1/recovery/config</c>, PUT for admins), the real counters (<c>GET /api/v1/metrics/recovery</c>) and the user strategies (<see cref="StrategyEndpoints"/>).</summary>
internal static class RecoveryEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/recovery/config", (HttpContext http, RecoveryDefaults defaults) =>
        {
            var (config, version) = defaults.Current;
            return Conditional.Json(http, config, $"r{version}");
        }).WithName("GetRecoveryConfig").Produces<RecoveryConfig>();
        api.MapPut("/recovery/config", PutConfigAsync).WithMetadata(new RequiredRole(GatewayRole.Admin)).WithName("PutRecoveryConfig")
            .Accepts<RecoveryConfigBody>("application/json").Produces<RecoveryConfig>();
        api.MapGet("/metrics/recovery", MetricsAsync).WithName("GetRecoveryMetrics").Produces<RecoveryMetricsResource>();
        StrategyEndpoints.Map(api);
    }

    private static async Task<IResult> PutConfigAsync(HttpContext http, RecoveryDefaults defaults, IOptions<GatewayOptions> options, ILogger<RecoveryDefaults> logger, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<RecoveryConfigBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: false, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        // PUT replaces: absent fields take the documented defaults, not the previous values.
        var config = body.Value!.ApplyTo(RecoveryConfig.Default);
        // This body is the configuration itself: its fields are top-level, not under recovery_config as in a run request.
        var problems = config.Validate().Select(static p => p.Replace("recovery_config.", string.Empty, StringComparison.Ordinal)).ToList();
        if (problems.Count > 0)
        {
            return Problems.Validation(Problems.FieldOf(problems[0]), string.Join(" ", problems));
        }

        var version = defaults.Replace(config);
        var caller = ExecutionSubmitter.Caller(http);
        GatewayLog.RecoveryDefaultsChanged(logger, caller);
        http.Response.Headers.ETag = $"\"r{version}\"";
        return TypedResults.Json(config, GatewayJson.Options);
    }

    private static async Task<IResult> MetricsAsync(HttpContext http, IReevCluster cluster, TimeProvider time)
    {
        var metrics = await cluster.Grains.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).ReadMetricsAsync().ConfigureAwait(false);
        var total = metrics.Successes + metrics.Failures;
        var resource = new RecoveryMetricsResource(
            metrics.Attempts,
            metrics.Successes,
            metrics.Failures,
            total == 0 ? 0 : Math.Round((double)metrics.Successes / total, 4),
            metrics.TotalTimeSpentMs,
            total == 0 ? 0 : Math.Round(metrics.TotalTimeSpentMs / total, 1),
            new StrategiesUsed(
                metrics.RecoveriesByStrategy.GetValueOrDefault("retry") + metrics.FailuresByStrategy.GetValueOrDefault("retry"),
                metrics.RecoveriesByStrategy.GetValueOrDefault("alternate_flow") + metrics.FailuresByStrategy.GetValueOrDefault("alternate_flow"),
                metrics.RecoveriesByStrategy.GetValueOrDefault("user_fulfillment") + metrics.FailuresByStrategy.GetValueOrDefault("user_fulfillment")),
            metrics.RecoveriesByStrategy,
            metrics.FailuresByStrategy,
            metrics.Playbook);
        return Conditional.Json(http, resource);
    }
}

/// <summary>The recovery grain's real counters, with the reference's field names where they have a meaning here.</summary>
internal sealed record RecoveryMetricsResource(
    long TotalAttempts,
    long SuccessfulRecoveries,
    long FailedRecoveries,
    double SuccessRate,
    double TotalRecoveryTimeMs,
    double AverageRecoveryTimeMs,
    StrategiesUsed StrategiesUsed,
    IReadOnlyDictionary<string, long> RecoveriesByStrategy,
    IReadOnlyDictionary<string, long> FailuresByStrategy,
    IReadOnlyList<PlaybookEntry> Playbook);

internal sealed record StrategiesUsed(long RetryAttempts, long AlternativeFlowsUsed, long UserFulfillmentUsed);
