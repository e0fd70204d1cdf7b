using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Reev.Cluster.Gateway.Http;

/// <summary>
/// Every error of the API as <c>application/problem+json</c>: a <c>type</c> naming the problem
/// (<c>https://reev.dev/problems/&lt;code&gt;</c>), a title, the status, a detail, the failing <c>field</c> when one
/// is to blame, and <c>code</c> for programs.
/// </summary>
internal static class Problems
{
    public const string TypePrefix = "https://reev.dev/problems/";

    public static ProblemHttpResult Validation(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid_request", "The request is not valid.", detail, field);

    public static ProblemHttpResult NotFound(string what, string id, string? field = null) =>
        Create(StatusCodes.Status404NotFound, "not_found", $"{what} not found.", $"No {what.ToLowerInvariant()} '{id}'.", field);

    public static ProblemHttpResult Conflict(string code, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, code, title, detail, null, extensions);

    public static ProblemHttpResult Unprocessable(string code, string detail, string? field, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status422UnprocessableEntity, code, "The request cannot be processed.", detail, field, extensions);

    public static ProblemHttpResult Create(int status, string code, string title, string detail, string? field, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypePrefix + code.Replace('_', '-'),
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem.Extensions[key] = value;
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>The field a validation message names: "recovery_config.base_retry_delay_ms must ..." → recovery_config.base_retry_delay_ms.</summary>
    public static string FieldOf(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var end = message.IndexOfAny([':', ' ']);
        return end > 0 ? message[..end] : "body";
    }

    /// <summary>A JSON path ("$.recovery_config.base_retry_delay_ms", "$['x']") as a field name.</summary>
    public static string FieldOfPath(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.').Replace("['", ".", StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal).TrimStart('.');
}
