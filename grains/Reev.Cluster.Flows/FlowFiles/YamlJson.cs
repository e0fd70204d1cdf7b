using System.Globalization;
using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Converts untyped YAML (extras) to compact JSON and back, keeping scalar types.</summary>
internal static class YamlJson
{
    /// <summary>Deepest nesting an extra may have; JSON writers and readers stop at 64 to 1000 levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Converts <paramref name="node"/> to JSON, spending <paramref name="budget"/>: one unit per node plus the length of
    /// each scalar, an alias counting in full at each use (a few nested aliases otherwise expand to gigabytes). Too deep
    /// (or a recursive alias), over budget, or a key that is not a single value calls <paramref name="fail"/> with the
    /// offending node and a message, and throws what it returns.
    /// </summary>
    public static string ToJson(YamlNode node, ref long budget, Func<YamlNode, string, Exception> fail)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var walk = new Walk(fail, budget);
            walk.Write(writer, node, 1);
            budget = walk.Budget;
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

    private sealed class Walk(Func<YamlNode, string, Exception> fail, long budget)
    {
        public long Budget { get; private set; } = budget;

        public void Write(Utf8JsonWriter writer, YamlNode node, int depth)
        {
            if (depth > MaxDepth)
            {
                throw fail(node, $"nests deeper than {MaxDepth} levels (or an alias refers to itself)");
            }

            Spend(node, 1 + (node is YamlScalarNode { Value: { } text } ? text.Length : 0));
            switch (node)
            {
                case YamlMappingNode mapping:
                    writer.WriteStartObject();
                    foreach (var (key, value) in mapping.Children)
                    {
                        if (key is not YamlScalarNode scalarKey)
                        {
                            throw fail(key, "a key must be a single value, not a list or a mapping");
                        }

                        Spend(key, 1 + (scalarKey.Value?.Length ?? 0));
                        writer.WritePropertyName(scalarKey.Value ?? "");
                        Write(writer, value, depth + 1);
                    }

                    writer.WriteEndObject();
                    break;
                case YamlSequenceNode sequence:
                    writer.WriteStartArray();
                    foreach (var item in sequence.Children)
                    {
                        Write(writer, item, depth + 1);
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

        private void Spend(YamlNode node, long amount)
        {
            Budget -= amount;
            if (Budget < 0)
            {
                throw fail(node, "expands to more content than the file holds (aliases count in full at each use)");
            }
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
