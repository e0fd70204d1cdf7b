using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tools;

/// <summary>
/// Typed access to a tool call's JSON arguments. Every failure names the tool and the argument:
/// addresses accept a base58 32-byte key or a placeholder of the run's key map; amounts accept a
/// non-negative whole number of base units (JSON number or numeric string); mints accept a mint address
/// or a known symbol (USDC, SOL, jlUSDC…).
/// </summary>
internal sealed partial class ToolArguments
{
    private readonly JsonElement _root;
    private readonly string _tool;
    private readonly KeyMap _keyMap;

    private ToolArguments(JsonElement root, string tool, KeyMap keyMap)
    {
        _root = root;
        _tool = tool;
        _keyMap = keyMap;
    }

    /// <summary>Parses the arguments object; an empty string means no arguments.</summary>
    public static ToolArguments Parse(string tool, string json, KeyMap keyMap)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            json = "{}";
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{tool}: arguments must be a JSON object, not {document.RootElement.ValueKind}");
            }

            return new ToolArguments(document.RootElement.Clone(), tool, keyMap);
        }
        catch (JsonException ex)
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{tool}: arguments are not valid JSON ({ex.Message})");
        }
    }

    public bool Has(string name) => TryGet(name, out _);

    /// <summary>The first present name of <paramref name="names"/> (aliases), or null.</summary>
    public string? FirstPresent(params string[] names) => names.FirstOrDefault(Has);

    public string Address(params string[] names)
    {
        var name = Require(names);
        var text = Text(name);
        var resolved = _keyMap.Resolve(text.Trim());
        return Base58.IsPublicKey(resolved)
            ? resolved
            : throw new ToolInputException(FlowErrorKind.InvalidAddress, $"{_tool}: argument \"{name}\" = \"{text}\" is not a base58 32-byte address or a placeholder of this run");
    }

    public string? OptionalAddress(params string[] names) => FirstPresent(names) is null ? null : Address(names);

    /// <summary>A positive whole number of base units.</summary>
    public ulong Amount(params string[] names)
    {
        var name = Require(names);
        TryGet(name, out var value);
        string text;
        if (value.ValueKind == JsonValueKind.Number)
        {
            text = value.GetRawText();
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            text = value.GetString()!.Trim();
        }
        else
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" must be a number of base units, not {value.ValueKind}");
        }

        if (!decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" = \"{text}\" is not a number");
        }

        if (number < 0)
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" = {text} must not be negative");
        }

        // The text, not the decimal: decimal keeps 28-29 digits, so "1.00000000000000000000000000001" parses as 1.
        if (number != decimal.Truncate(number) || !IsWholeText(text))
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" = {text} must be a whole number of base units");
        }

        if (number == 0)
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" must be greater than zero");
        }

        return number <= ulong.MaxValue
            ? (ulong)number
            : throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{_tool}: argument \"{name}\" = {text} is out of range");
    }

    public TokenInfo Mint(params string[] names)
    {
        var name = Require(names);
        var text = Text(name).Trim();
        var token = TokenCatalog.FindByMint(_keyMap.Resolve(text)) ?? TokenCatalog.FindBySymbol(text);
        return token ?? throw new ToolInputException(FlowErrorKind.InvalidMint,
            $"{_tool}: argument \"{name}\" = \"{text}\" is not a known mint (known: {string.Join(", ", TokenCatalog.All.Select(static t => t.Symbol))})");
    }

    public TokenInfo? OptionalMint(params string[] names) => FirstPresent(names) is null ? null : Mint(names);

    public int? OptionalInt(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{_tool}: argument \"{name}\" = {text} must be an integer");
    }

    public string? OptionalText(string name) => TryGet(name, out _) ? Text(name) : null;

    private string Text(string name)
    {
        TryGet(name, out var value);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{_tool}: argument \"{name}\" must be a string, not {value.ValueKind}"),
        };
    }

    private string Require(string[] names) =>
        FirstPresent(names) ?? throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{_tool}: missing argument \"{names[0]}\"");

    private bool TryGet(string name, out JsonElement value) =>
        _root.TryGetProperty(name, out value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Undefined;

    /// <summary>
    /// False when the number's text has a nonzero digit below the units (after its exponent): "2.50e1" is whole,
    /// "1.000…01" and "1e-40" are not. Text that is not plain decimal notation is left to the decimal check.
    /// </summary>
    private static bool IsWholeText(string text)
    {
        var match = DecimalNotation().Match(text);
        if (!match.Success)
        {
            return true;
        }

        var fraction = match.Groups["fraction"].Value.TrimEnd('0');
        var exponentText = match.Groups["exponent"].Value;

        // An exponent past a million digits either way is as good as infinite for this test.
        var exponent = exponentText.Length == 0 ? 0
            : long.TryParse(exponentText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var e) ? Math.Clamp(e, -1_000_000, 1_000_000)
            : exponentText.StartsWith('-') ? -1_000_000 : 1_000_000;
        var digits = (match.Groups["integer"].Value + fraction).TrimEnd('0');
        var scale = exponent - fraction.Length + ((match.Groups["integer"].Value + fraction).Length - digits.Length);
        return digits.TrimStart('0').Length == 0 || scale >= 0;
    }

    [GeneratedRegex(@"^[+-]?(?<integer>\d*)(?:\.(?<fraction>\d*))?(?:[eE](?<exponent>[+-]?\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalNotation();
}
