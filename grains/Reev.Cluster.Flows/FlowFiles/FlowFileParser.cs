using System.Globalization;
using Reev.Cluster.Flows.Ledger;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// Walks the YAML representation model of a flow file, validating as it goes. Errors are raised as
/// <see cref="FlowFileException"/> inside the parser and turned into a result at <see cref="FlowFileLoader"/>.
/// </summary>
internal sealed partial class FlowFileParser
{
    internal static readonly HashSet<string> TopLevelKeys =
        ["id", "description", "tags", "flow_type", "initial_state", "prompt", "flow", "ground_truth"];

    private readonly string _file;
    private readonly FlowSourceMap _map;

    // What the file's extras may expand to (see YamlJson.ToJson): at least this, or the file's own length.
    private const long MinExtrasBudget = 1 << 20;

    /// <summary>Largest weight a flow file may give; sums of weights stay finite.</summary>
    internal const double MaxWeight = 1e6;

    /// <summary>Longest step timeout a flow file may give, in seconds.</summary>
    internal const int MaxTimeoutSeconds = 86_400;

    // Deepest nesting of the whole file; a flow's own fields use under ten levels, extras up to YamlJson.MaxDepth.
    private const int MaxNesting = 100;
    private long _extrasBudget = MinExtrasBudget;

    public FlowFileParser(string file)
    {
        _file = file;
        _map = new FlowSourceMap(file);
    }

    public FlowSourceMap SourceMap => _map;

    public FlowDocument Parse(string yaml)
    {
        _extrasBudget = Math.Max(MinExtrasBudget, yaml.Length);
        var stream = new YamlStream();
        try
        {
            CheckNesting(yaml);
            using var reader = new StringReader(yaml);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new FlowFileException(new FlowFileError(
                _file, (int)ex.Start.Line, (int)ex.Start.Column, "(yaml)", $"malformed YAML: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws InvalidOperationException (no position) on some unterminated flow
            // collections, e.g. "tags: [\"a\"": locate the failure as the end of the last event that parsed.
            var (line, column) = LastParsedPosition(yaml);
            throw new FlowFileException(new FlowFileError(
                _file, line, column, "(yaml)", "malformed YAML: unterminated or invalid content after this position"));
        }

        if (stream.Documents.Count == 0)
        {
            throw Fail("(document)", null, "the file is empty");
        }

        var root = Mapping(stream.Documents[0].RootNode, "(document)");
        var id = RequiredString(root, "id", "id");
        var description = RequiredString(root, "description", "description");
        var tags = StringList(Required(root, "tags", "tags"), "tags");
        var flowType = ParseFlowType(root, tags);
        var initialState = ParseInitialState(Required(root, "initial_state", "initial_state"));
        var prompt = RequiredString(root, "prompt", "prompt");
        var flow = Optional(root, "flow") is { } flowNode ? ParseFlow(flowNode) : default;
        var groundTruth = ParseGroundTruth(Required(root, "ground_truth", "ground_truth"));
        var extras = Extras(root, TopLevelKeys, "");
        return new FlowDocument(id, description, tags, flowType, initialState, prompt, flow, groundTruth, extras);
    }

    /// <summary>
    /// YamlDotNet builds its node tree recursively: a few hundred thousand nested brackets overflow the stack and end
    /// the process, so nesting is measured on the (iterative) event stream first.
    /// </summary>
    private void CheckNesting(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart:
                    if (++depth > MaxNesting)
                    {
                        var start = parser.Current.Start;
                        throw new FlowFileException(new FlowFileError(
                            _file, (int)start.Line, (int)start.Column, "(yaml)", $"nests deeper than {MaxNesting} levels"));
                    }

                    break;
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static (int Line, int Column) LastParsedPosition(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var end = YamlDotNet.Core.Mark.Empty;
        try
        {
            while (parser.MoveNext())
            {
                end = parser.Current!.End;
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // The position reached so far is the answer.
        }

        return ((int)end.Line, (int)end.Column);
    }

    private FlowType ParseFlowType(YamlMappingNode root, Serialization.EquatableArray<string> tags)
    {
        if (Optional(root, "flow_type") is not { } node)
        {
            return tags.Contains("dynamic") ? FlowType.Dynamic : FlowType.Static;
        }

        return ScalarText(node, "flow_type") switch
        {
            "static" => tags.Contains("dynamic") ? FlowType.Dynamic : FlowType.Static,
            "dynamic" => FlowType.Dynamic,
            var other => throw Fail("flow_type", node, $"must be \"static\" or \"dynamic\", not \"{other}\""),
        };
    }

    private Serialization.EquatableArray<FlowStep> ParseFlow(YamlNode node)
    {
        var steps = new List<FlowStep>();
        var sequence = Sequence(node, "flow");
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var field = $"flow[{i}]";
            var map = Mapping(sequence.Children[i], field);
            var stepNode = Required(map, "step", field + ".step");
            var step = ParseInt(stepNode, field + ".step");
            if (step != i + 1)
            {
                throw Fail(field + ".step", stepNode, $"steps must be numbered 1..N in order; expected {i + 1}, found {step}");
            }

            var dependsOn = Optional(map, "depends_on") is { } depends ? StringList(depends, field + ".depends_on") : default;
            foreach (var dependency in dependsOn)
            {
                if (!dependency.StartsWith("step_", StringComparison.Ordinal) ||
                    !int.TryParse(dependency.AsSpan(5).TrimEnd("_result"), NumberStyles.None, CultureInfo.InvariantCulture, out var target) ||
                    target < 1 || target >= step)
                {
                    throw Fail(field + ".depends_on", Optional(map, "depends_on"), $"\"{dependency}\" must name an earlier step as step_N or step_N_result");
                }
            }

            steps.Add(new FlowStep(
                step,
                RequiredString(map, "description", field + ".description"),
                RequiredString(map, "prompt", field + ".prompt"),
                Optional(map, "critical") is { } critical && ParseBool(critical, field + ".critical"),
                Optional(map, "timeout") is { } timeout ? TimeoutSeconds(timeout, field + ".timeout") : null,
                dependsOn));
        }

        return new Serialization.EquatableArray<FlowStep>(steps);
    }

    private int TimeoutSeconds(YamlNode node, string field)
    {
        // Timers take at most ~49.7 days and grains compute milliseconds as an int: a day is the longest step.
        var value = ParseInt(node, field);
        return value is > 0 and <= MaxTimeoutSeconds
            ? value
            : throw Fail(field, node, $"must be a number of seconds from 1 to {MaxTimeoutSeconds} (a day), not {value}");
    }

    private FlowFileException Fail(string field, YamlNode? node, string message)
    {
        var line = node is null ? 0 : (int)node.Start.Line;
        var column = node is null ? 0 : (int)node.Start.Column;
        return new FlowFileException(new FlowFileError(_file, line, column, field, message));
    }

    private void Mark(string field, YamlNode node) => _map.Add(field, (int)node.Start.Line, (int)node.Start.Column);

    private YamlMappingNode Mapping(YamlNode node, string field)
    {
        Mark(field, node);
        return node as YamlMappingNode ?? throw Fail(field, node, "expected a mapping");
    }

    private YamlSequenceNode Sequence(YamlNode node, string field)
    {
        Mark(field, node);
        return node as YamlSequenceNode ?? throw Fail(field, node, "expected a list");
    }

    private static YamlNode? Optional(YamlMappingNode map, string key)
    {
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode s && s.Value == key)
            {
                if (v is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" })
                {
                    return null;
                }

                return v;
            }
        }

        return null;
    }

    private YamlNode Required(YamlMappingNode map, string key, string field) =>
        Optional(map, key) ?? throw Fail(field, map, $"required field \"{key}\" is missing");

    private string ScalarText(YamlNode node, string field)
    {
        Mark(field, node);
        var text = node is YamlScalarNode scalar ? scalar.Value ?? "" : throw Fail(field, node, "expected a single value");

        // YAML's "\0" escape: no store keeps NUL in text (PostgreSQL refuses it), so the file is refused here, by line.
        return text.Contains('\0', StringComparison.Ordinal) ? throw Fail(field, node, "must not contain the NUL character (U+0000)") : text;
    }

    private string RequiredString(YamlMappingNode map, string key, string field) => ScalarText(Required(map, key, field), field);

    private string? OptionalString(YamlMappingNode map, string key, string field) =>
        Optional(map, key) is { } node ? ScalarText(node, field) : null;

    private Serialization.EquatableArray<string> StringList(YamlNode node, string field)
    {
        var sequence = Sequence(node, field);
        var items = new List<string>();
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            items.Add(ScalarText(sequence.Children[i], $"{field}[{i}]"));
        }

        return new Serialization.EquatableArray<string>(items);
    }

    private int ParseInt(YamlNode node, string field)
    {
        var text = ScalarText(node, field);
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail(field, node, $"must be an integer, not \"{text}\"");
    }

    private bool ParseBool(YamlNode node, string field)
    {
        var text = ScalarText(node, field);
        return text.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Fail(field, node, $"must be true or false, not \"{text}\""),
        };
    }

    private double ParseWeight(YamlMappingNode map, string key, string field, double fallback)
    {
        if (Optional(map, key) is not { } node)
        {
            return fallback;
        }

        var text = ScalarText(node, field);
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw Fail(field, node, $"must be a non-negative number, not \"{text}\"");
        }

        // Weights are summed and divided by the sum: near double's maximum the sum is Infinity and the score NaN.
        return value <= MaxWeight ? value : throw Fail(field, node, $"must be at most {MaxWeight:0}, not {text}");
    }

    private ulong ParseAmount(YamlNode node, string field)
    {
        var text = ScalarText(node, field).Trim();
        if (text.StartsWith('-'))
        {
            throw Fail(field, node, $"must not be negative (\"{text}\")");
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Fail(field, node, $"must be a whole number of base units, not \"{text}\"");
    }

    private decimal? ParseDecimal(YamlMappingNode map, string key, string field, bool allowNegative)
    {
        if (Optional(map, key) is not { } node)
        {
            return null;
        }

        var text = ScalarText(node, field).Trim();
        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw Fail(field, node, $"must be a number, not \"{text}\"");
        }

        return value < 0 && !allowNegative ? throw Fail(field, node, $"must not be negative ({text})") : value;
    }

    /// <summary>A placeholder or a base58 32-byte address.</summary>
    private string Address(YamlNode node, string field)
    {
        var text = ScalarText(node, field).Trim();
        if (Placeholders.IsPlaceholder(text) || Base58.IsPublicKey(text))
        {
            return text;
        }

        throw Fail(field, node, $"\"{text}\" is neither a placeholder (ALL_CAPS_WITH_UNDERSCORES) nor a base58 32-byte address");
    }

    private string Mint(YamlNode node, string field)
    {
        var text = ScalarText(node, field).Trim();
        if (!Base58.IsPublicKey(text))
        {
            throw Fail(field, node, $"mint \"{text}\" is not a base58 32-byte address");
        }

        return TokenCatalog.FindByMint(text) is not null
            ? text
            : throw Fail(field, node, $"unknown mint \"{text}\" (known: {string.Join(", ", TokenCatalog.All.Select(static t => t.Symbol))})");
    }

    private Serialization.EquatableArray<FlowExtra> Extras(YamlMappingNode map, HashSet<string> known, string prefix)
    {
        var extras = new List<FlowExtra>();
        foreach (var (key, value) in map.Children)
        {
            if (key is not YamlScalarNode { Value: var name })
            {
                throw Fail(prefix + "(key)", key, "a key must be a single value, not a list or a mapping");
            }

            name ??= "";
            if (!known.Contains(name))
            {
                var field = prefix + name;
                extras.Add(new FlowExtra(name, YamlJson.ToJson(value, ref _extrasBudget, (node, message) => Fail(field, node, message))));
            }
        }

        return new Serialization.EquatableArray<FlowExtra>(extras);
    }
}
