using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Converts untyped YAML (extras) to compact JSON and back, keeping scalar types.</summary>
internal static class YamlJson
{
    public static string ToJson(YamlNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static YamlNode ToYaml(string json)
    {
        using var document = JsonDocument.Parse(json);
        return ToYaml(document.RootElement);
    }

    private static YamlNode ToYaml(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var mapping = new YamlMappingNode();
                foreach (var property in element.EnumerateObject())
                {
                    mapping.Add(new YamlScalarNode(property.Name), ToYaml(property.Value));
                }

                return mapping;
            case JsonValueKind.Array:
                var sequence = new YamlSequenceNode();
                foreach (var item in element.EnumerateArray())
                {
                    sequence.Add(ToYaml(item));
                }

                return sequence;
            case JsonValueKind.String:
                return new YamlScalarNode(element.GetString()) { Style = ScalarStyle.DoubleQuoted };
            case JsonValueKind.True:
                return new YamlScalarNode("true");
            case JsonValueKind.False:
                return new YamlScalarNode("false");
            case JsonValueKind.Null:
                return new YamlScalarNode("null");
            default:
                return new YamlScalarNode(element.GetRawText());
        }
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            if (text is "true" or "True")
            {
                writer.WriteBooleanValue(true);
                return;
            }

            if (text is "false" or "False")
            {
                writer.WriteBooleanValue(false);
                return;
            }

            if (text is "null" or "~" or "")
            {
                writer.WriteNullValue();
                return;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                writer.WriteNumberValue(integer);
                return;
            }

            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                writer.WriteNumberValue(number);
                return;
            }
        }

        writer.WriteStringValue(text);
    }
}
