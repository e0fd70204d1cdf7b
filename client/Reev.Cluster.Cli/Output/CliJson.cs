using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Reev.Cluster.Cli.Output;

/// <summary>
/// Writes the one JSON object a <c>--json</c> command prints on stdout. Written member by member (not reflected) so
/// that the shape is the documented one and stays stable when the contracts behind it grow.
/// </summary>
internal static class CliJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Prompts, descriptions and errors are shown as typed ("'", "<", "+"), not as \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes one JSON object followed by a newline.</summary>
    public static void WriteObject(TextWriter output, Action<Utf8JsonWriter> writeMembers)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeMembers);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writeMembers(writer);
            writer.WriteEndObject();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Flush();
    }

    /// <summary>Writes one JSON array followed by a newline (<c>reev executions --json</c>).</summary>
    public static void WriteArray(TextWriter output, Action<Utf8JsonWriter> writeItems)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(writeItems);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartArray();
            writeItems(writer);
            writer.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Flush();
    }

    /// <summary>A score or ratio: rounded to 6 decimals and always written with a decimal point (1.0, not 1).</summary>
    public static void WriteScore(this Utf8JsonWriter writer, string name, double? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WritePropertyName(name);
        if (value is not { } number || !double.IsFinite(number))
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteRawValue(Math.Round(number, 6).ToString("0.0#####", CultureInfo.InvariantCulture), skipInputValidation: true);
    }

    public static void WriteBooleanOrNull(this Utf8JsonWriter writer, string name, bool? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } flag)
        {
            writer.WriteBoolean(name, flag);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, DateTimeOffset? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } time)
        {
            writer.WriteString(name, time);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    public static void WriteStringOrNull(this Utf8JsonWriter writer, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
