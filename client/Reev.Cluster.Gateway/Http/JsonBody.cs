using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Reev.Cluster.Gateway.Http;

/// <summary>A request body read under the size limit, or the problem that stops the request.</summary>
internal readonly record struct BodyResult<T>(T? Value, ProblemHttpResult? Problem)
    where T : class;

/// <summary>
/// Reads JSON bodies itself (instead of model binding) so that an oversized body is a 413, malformed JSON or a
/// wrong type a 400 naming the failing field, and a wrong media type a 415, all as problem+json.
/// </summary>
internal static class JsonBody
{
    public static async Task<BodyResult<T>> ReadAsync<T>(HttpRequest request, int maxBytes, bool optional, CancellationToken cancellationToken)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes)
        {
            return new(null, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new(null, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0 || IsWhitespace(buffer))
        {
            return optional ? new(new T(), null) : new(null, Problems.Validation("body", "A JSON body is required."));
        }

        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return new(null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Unsupported media type.", $"Send application/json, not {contentType}.", "Content-Type"));
        }

        if (FieldWithNul(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)) is { } nulField)
        {
            return new(null, Problems.Validation(nulField, $"{nulField}: must not contain the NUL character (U+0000)."));
        }

        try
        {
            buffer.Position = 0;
            var value = JsonSerializer.Deserialize<T>(buffer, GatewayJson.Options);
            return value is null ? new(null, Problems.Validation("body", "The body must be a JSON object, not null.")) : new(value, null);
        }
        catch (JsonException ex)
        {
            var field = Problems.FieldOfPath(ex.Path);
            var message = ex.InnerException?.Message ?? ex.Message;
            return new(null, Problems.Validation(field, $"{field}: {FirstSentence(message)}"));
        }
    }

    /// <summary>
    /// The field of the first string that holds NUL (U+0000), or null. JSON carries NUL only escaped, and no store keeps
    /// it in text (PostgreSQL refuses it), so it is refused here with the field's name instead of failing a turn later.
    /// </summary>
    private static string? FieldWithNul(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf("\\u0000"u8) < 0)
        {
            return null;
        }

        var reader = new Utf8JsonReader(json);
        string? property = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = reader.GetString()!;
                    if (property.Contains('\0', StringComparison.Ordinal))
                    {
                        return "body";
                    }
                }
                else if (reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return property ?? "body";
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // malformed (or a lone surrogate): the deserializer names the problem
        }

        return null;
    }

    private static ProblemHttpResult TooLarge(int maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "body_too_large", "The request body is too large.", $"Bodies are limited to {maxBytes} bytes.", "body");

    private static bool IsWhitespace(MemoryStream buffer) => buffer.GetBuffer().AsSpan(0, (int)buffer.Length).Trim(" \t\r\n"u8).IsEmpty;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
