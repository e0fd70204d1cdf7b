using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Gateway.Security;

/// <summary>
/// The conduct every gateway endpoint shares, in order: a span and metrics; the API key (<c>X-Api-Key</c> or
/// <c>Authorization: Bearer</c>) and its role (401, 403); the caller's rate limit (429 with <c>Retry-After</c>);
/// cluster failures as problem+json (503, 504) instead of a 500 page. An endpoint filter rather than middleware, so
/// that a host that co-hosts the gateway (the silo) gets it with <c>MapReevGateway</c> whatever its pipeline.
/// </summary>
internal sealed class GatewayAccessFilter(ApiKeyStore keys, KeyRateLimiter limiter, TimeProvider timeProvider, ILogger<GatewayAccessFilter> logger) : IEndpointFilter
{
    public const string ItemKey = "reev.caller";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var endpoint = http.GetEndpoint();
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unknown";
        using var activity = GatewayTelemetry.Source.StartActivity(http.Request.Method + " " + route, ActivityKind.Internal);
        var started = timeProvider.GetTimestamp();
        object? result;
        try
        {
            result = endpoint?.Metadata.GetMetadata<OpenAccess>() is not null ? await RunAsync(context, next).ConfigureAwait(false) : await AuthorizeAndRunAsync(context, next, endpoint).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = timeProvider.GetElapsedTime(started).TotalMilliseconds;
            GatewayTelemetry.RequestDuration.Record(elapsed, new KeyValuePair<string, object?>("route", route));
        }

        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : http.Response.StatusCode;
        GatewayTelemetry.Requests.Add(1, new("route", route), new("status_code", status));
        activity?.SetTag("http.response.status_code", status);
        return result;
    }

    private async ValueTask<object?> AuthorizeAndRunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, Endpoint? endpoint)
    {
        var http = context.HttpContext;
        var required = endpoint?.Metadata.GetMetadata<RequiredRole>()?.Role ?? GatewayRole.Reader;
        GatewayCaller caller;
        if (Presented(http.Request) is { } presented)
        {
            if (keys.Find(presented) is not { } found)
            {
                return Refuse(http, "unauthenticated", Unauthenticated("The API key is not valid."));
            }

            caller = found;
        }
        else if (keys.IsOpen && IsLoopback(http.Connection.RemoteIpAddress))
        {
            caller = GatewayCaller.Local;
        }
        else
        {
            return Refuse(http, "unauthenticated", Unauthenticated(keys.IsOpen
                ? "This gateway has no API keys and serves loopback clients only."
                : "An API key is required (X-Api-Key header or Authorization: Bearer)."));
        }

        if (caller.Role < required)
        {
            return Refuse(http, "forbidden", Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "The API key's role does not allow this.",
                $"'{caller.Name}' is {Lower(caller.Role)}; this needs {Lower(required)}.", "X-Api-Key"));
        }

        var partition = keys.IsOpen ? "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "local") : "key:" + caller.Name;
        if (!limiter.TryAcquire(partition, out var retryAfter))
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return Refuse(http, "rate_limited", Problems.Create(StatusCodes.Status429TooManyRequests, "rate_limited", "Too many requests.",
                $"The rate limit of '{caller.Name}' is used up; retry after {Math.Ceiling(retryAfter.TotalSeconds)} s.", null));
        }

        // No endpoint takes a parameter twice: "status=queued&status=running" would otherwise read as one of them (or
        // neither) without a word.
        foreach (var (name, values) in http.Request.Query)
        {
            if (values.Count > 1)
            {
                return Refuse(http, "bad_query", Problems.Validation(name, $"{name}: given {values.Count} times; give it once."));
            }
        }

        http.Items[ItemKey] = caller;
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, caller.Name), new Claim(ClaimTypes.Role, Lower(caller.Role))], "ApiKey"));
        Activity.Current?.SetTag("reev.caller", caller.Name);
        return await RunAsync(context, next).ConfigureAwait(false);
    }

    private async ValueTask<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (http.Response.HasStarted && ex is not OperationCanceledException)
        {
            // A stream (SSE) already under way: no status or header can be sent any more. End it; the client resumes
            // with Last-Event-ID.
            GatewayLog.ClusterFailed(logger, http.Request.Method, http.Request.Path.Value ?? string.Empty, ex.Message);
            return Results.Empty;
        }
        catch (BadHttpRequestException ex)
        {
            // The request itself is broken (a malformed chunk, a body slower than the minimum data rate, one larger than
            // the server's limit): the client's error, with Kestrel's status (400, 408, 413).
            GatewayTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "bad_request_body"));
            return Problems.Create(ex.StatusCode, "bad_request_body", "The request body could not be read.", ex.Message, "body");
        }
        catch (ClusterTimeoutException ex)
        {
            GatewayLog.ClusterFailed(logger, http.Request.Method, http.Request.Path.Value ?? string.Empty, ex.Message);
            http.Response.Headers.RetryAfter = "1";
            return Problems.Create(StatusCodes.Status504GatewayTimeout, "cluster_timeout", "The cluster did not answer in time.", ex.Message, null);
        }
        catch (Exception ex) when (ex is ClusterUnavailableException or GrainCallException or TimeoutException or DbException { IsTransient: true }
            || (ex is InvalidOperationException && ex.Message.Contains("not connected", StringComparison.Ordinal)))
        {
            GatewayLog.ClusterFailed(logger, http.Request.Method, http.Request.Path.Value ?? string.Empty, ex.Message);
            http.Response.Headers.RetryAfter = "2";
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "cluster_unavailable", "The cluster is not available.", ex.Message, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            GatewayLog.Unhandled(logger, ex, http.Request.Method, http.Request.Path.Value ?? string.Empty);
            return Problems.Create(StatusCodes.Status500InternalServerError, "internal_error", "The gateway failed.", "An unexpected error occurred; it has been logged.", null,
                new Dictionary<string, object?> { ["trace_id"] = Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier });
        }
    }

    private object Refuse(HttpContext http, string reason, IResult problem)
    {
        GatewayTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));
        GatewayLog.Refused(logger, http.Request.Method, http.Request.Path.Value ?? string.Empty, reason);
        if (reason == "unauthenticated")
        {
            http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\", Bearer";
        }

        return problem;
    }

    private static ProblemHttpResult Unauthenticated(string detail) =>
        Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication is required.", detail, "X-Api-Key");

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"] is [{ Length: > 0 } key])
        {
            return key;
        }

        return request.Headers.Authorization is [{ } auth] && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && auth.Length > 7 ? auth[7..].Trim() : null;
    }

    /// <summary>Loopback, or no address at all (an in-process test server; Kestrel always sets one).</summary>
    private static bool IsLoopback(IPAddress? address) => address is null || IPAddress.IsLoopback(address);

    private static string Lower(GatewayRole role) => role.ToString().ToLowerInvariant();
}
