using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Client;
using Reev.Cluster.Client.Hosting;
using Reev.Cluster.Gateway.Benchmarks;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>Registration of the API gateway, for its own host or a silo host that co-hosts it.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Registers the gateway's services (section <c>Reev:Gateway</c>). It needs an <see cref="IReevCluster"/>: a silo
    /// host registers its own; otherwise use <see cref="AddReevGatewayCluster"/>.
    /// </summary>
    public static IServiceCollection AddReevGateway(this IServiceCollection services, Action<GatewayOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<KeyRateLimiter>();
        services.TryAddSingleton<CursorCodec>();
        services.TryAddSingleton<RecoveryDefaults>();
        services.TryAddSingleton<BenchmarkCatalog>();
        services.TryAddSingleton<ExecutionSubmitter>();
        services.TryAddSingleton<Executions.ExecutionChangeFeed>();
        services.AddHostedService(static sp => sp.GetRequiredService<Executions.ExecutionChangeFeed>());
        services.TryAddSingleton<GatewayAccessFilter>();
        // The OpenAPI document describes the same snake_case JSON the endpoints write.
        services.Configure<JsonOptions>(static o => GatewayJson.Configure(o.SerializerOptions));
        // Problems the framework writes itself (unknown route 404, 405, 415 from content-type matching) follow the gateway's scheme.
        services.AddProblemDetails(static o => o.CustomizeProblemDetails = static context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type is null || !problem.Type.StartsWith(Problems.TypePrefix, StringComparison.Ordinal))
            {
                var code = "http_" + (problem.Status ?? context.HttpContext.Response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                problem.Type = Problems.TypePrefix + code.Replace('_', '-');
                problem.Extensions.TryAdd("code", code);
                if (problem.Status == StatusCodes.Status415UnsupportedMediaType)
                {
                    problem.Extensions.TryAdd("field", "Content-Type");
                }

                // Every problem has a detail; the framework's (an unmatched route, a method not allowed) have none.
                var request = context.HttpContext.Request;
                problem.Detail ??= (problem.Status ?? context.HttpContext.Response.StatusCode) switch
                {
                    StatusCodes.Status404NotFound when context.HttpContext.GetEndpoint() is null => $"No endpoint at {request.Method} {request.PathBase}{request.Path} (the API is under /api/v1, health at /health/live and /health/ready).",
                    StatusCodes.Status405MethodNotAllowed => $"{request.PathBase}{request.Path} does not accept {request.Method}.",
                    _ => $"{problem.Title ?? "The request failed"} ({request.Method} {request.PathBase}{request.Path}).",
                };
            }
        });
        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Registers the cluster the gateway talks to, from configuration: no <c>Reev:Client:ConnectionString</c> → an
    /// embedded in-memory silo; a connection string → a remote client of that PostgreSQL cluster, or (with
    /// <c>Reev:Gateway:HostSilo=true</c>) one more silo of it in this process.
    /// </summary>
    public static IServiceCollection AddReevGatewayCluster(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration[$"{ReevClusterClientOptions.SectionName}:ConnectionString"];
        var hostSilo = string.IsNullOrWhiteSpace(connectionString) || configuration.GetValue<bool>($"{GatewayOptions.SectionName}:HostSilo");
        if (!hostSilo)
        {
            return services.AddReevClusterClient();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new EmbeddedReevCluster(
            string.IsNullOrWhiteSpace(connectionString) ? null : connectionString,
            sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IReevCluster>(static sp => sp.GetRequiredService<EmbeddedReevCluster>());
        services.AddHostedService(static sp => sp.GetRequiredService<EmbeddedReevCluster>());
        return services;
    }
}
