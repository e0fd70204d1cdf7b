using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Reev.Cluster.Gateway.Http;

/// <summary>How long a representation may be reused.</summary>
internal enum Freshness
{
    /// <summary>Changes any time: revalidate with the ETag (<c>no-cache</c>).</summary>
    Revalidate,

    /// <summary>Will not change any more (a finished execution): cache for a day.</summary>
    Immutable,
}

/// <summary>JSON GET responses with an ETag (from the resource's version, else the body), 304 on a match, and caching headers.</summary>
internal static class Conditional
{
    public static IResult Json<T>(HttpContext http, T value, string? version = null, Freshness freshness = Freshness.Revalidate, int? retryAfterSeconds = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, GatewayJson.Options);
        var etag = version is not null
            ? $"\"{version}\""
            : $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12))}\"";
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = freshness == Freshness.Immutable ? "private, max-age=86400, immutable" : "private, no-cache";
        if (retryAfterSeconds is { } seconds)
        {
            headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (Matches(http.Request, etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(bytes, "application/json; charset=utf-8");
    }

    private static bool Matches(HttpRequest request, string etag)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0)
        {
            return false;
        }

        if (!EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        var current = new EntityTagHeaderValue(etag);
        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }
}
