using System.Net.Sockets;
using System.Text.Json;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Client.Gateway;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// Gateway answers and transport failures as CLI errors: refused key or role and unknown ids are bad input (exit 2),
/// an unreachable or failing gateway is a cluster error (exit 3). Problem details keep their code, title and field.
/// </summary>
internal static class RemoteErrors
{
    /// <summary>A problem+json answer; <paramref name="subject"/> names what was asked for (e.g. "execution run-1").</summary>
    public static CliError FromProblem(GatewayProblem problem, GatewayConnection connection, string? subject)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(connection);
        var detail = problem.Detail ?? problem.Title;
        return problem.Status switch
        {
            401 => new CliError("unauthenticated", connection.HasApiKey
                ? $"the gateway at {connection.BaseAddress} refused the API key (401): {detail} Check --api-key or {ReevCommandLine.ApiKeyVariable}."
                : $"the gateway at {connection.BaseAddress} requires an API key (401): {detail} Pass --api-key or set {ReevCommandLine.ApiKeyVariable}.")
            { Field = problem.Field },
            403 => new CliError("forbidden", $"the API key's role may not do this (403): {detail} Running, cancelling and answering need the operator role.") { Field = problem.Field },
            404 => new CliError("not_found", $"{subject ?? "resource"} not found at {connection.BaseAddress} (404): {detail}") { Field = problem.Field },
            429 => new CliError(problem.Code, $"the gateway is rate limiting this key (429): {detail}", ExitCodes.ClusterError),
            >= 500 => new CliError(problem.Code, $"the gateway failed ({problem.Status} {problem.Title}): {detail}", ExitCodes.ClusterError),
            _ => new CliError(problem.Code, Describe(problem)) { Field = problem.Field },
        };
    }

    /// <summary>A transport failure (connection refused, timeout, broken answer) as exit code 3, or null when it is not one.</summary>
    public static CliError? FromException(Exception exception, GatewayConnection connection)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(connection);
        return exception switch
        {
            HttpRequestException { StatusCode: null } http => new CliError("gateway_unavailable", $"the gateway at {connection.BaseAddress} is unreachable: {Innermost(http)}", ExitCodes.ClusterError),
            HttpRequestException http => new CliError("gateway_error", $"the gateway at {connection.BaseAddress} failed: {http.Message}", ExitCodes.ClusterError),
            TaskCanceledException or TimeoutException => new CliError("gateway_unavailable", $"the gateway at {connection.BaseAddress} did not answer within {GatewayConnection.RequestTimeout.TotalSeconds:0} s", ExitCodes.ClusterError),
            JsonException json => new CliError("gateway_error", $"the gateway at {connection.BaseAddress} sent an answer that is not the expected JSON: {json.Message}", ExitCodes.ClusterError),
            SocketException or IOException => new CliError("gateway_unavailable", $"the gateway at {connection.BaseAddress} is unreachable: {exception.Message}", ExitCodes.ClusterError),
            _ => null,
        };
    }

    private static string Describe(GatewayProblem problem)
    {
        var text = problem.Detail is null || problem.Detail == problem.Title ? problem.Title : $"{problem.Title.TrimEnd('.')}: {problem.Detail}";
        return problem.Field is null ? $"{text} ({problem.Status})" : $"{text} (field {problem.Field}, {problem.Status})";
    }

    private static string Innermost(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ReferenceEquals(inner, exception) ? exception.Message : $"{exception.Message} ({inner.Message})";
    }
}
