using Reev.Cluster.Flows.Ledger;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Reev.Cluster.Planning.Intents;

/// <summary>Splits a prompt into words, numbers ("0.1", "-5", "1,000"), percentages ("50%"), multipliers ("1.5x") and separators.</summary>
internal static partial class PromptTokenizer
{
    private const string LeadingPunctuation = "([{\"'`";
    private const string TrailingPunctuation = ")]}\"'`.,;:!?";

    public static List<PromptToken> Tokenize(string prompt)
    {
        var result = new List<PromptToken>();
        foreach (Match chunk in ChunkPattern().Matches(prompt))
        {
            var start = chunk.Index;
            var text = chunk.Value;
            var lead = 0;
            while (lead < text.Length && LeadingPunctuation.Contains(text[lead], StringComparison.Ordinal))
            {
                lead++;
            }

            var end = text.Length;
            while (end > lead && TrailingPunctuation.Contains(text[end - 1], StringComparison.Ordinal))
            {
                end--;
            }

            var core = text[lead..end];
            if (core.Length > 0)
            {
                AddCore(result, core, start + lead);
            }

            for (var i = end; i < text.Length; i++)
            {
                if (text[i] is ',' or ';' or '.' or '!' or '?' or ':')
                {
                    result.Add(new PromptToken(PromptTokenKind.Separator, text[i].ToString(), text[i].ToString(), start + i, 0m));
                }
            }
        }

        return result;
    }

    private static void AddCore(List<PromptToken> result, string core, int position)
    {
        if (core == "%" && result.Count > 0 && result[^1].Kind == PromptTokenKind.Number)
        {
            var number = result[^1];
            result[^1] = number with { Kind = PromptTokenKind.Percent, Text = number.Text + " %", Lower = number.Lower + " %" };
            return;
        }

        var lower = core.ToLowerInvariant();
        if (TryNumber(core, out var value))
        {
            result.Add(new PromptToken(PromptTokenKind.Number, core, lower, position, value));
        }
        else if (core.EndsWith('%') && TryNumber(core[..^1], out value))
        {
            result.Add(new PromptToken(PromptTokenKind.Percent, core, lower, position, value));
        }
        else if (lower.EndsWith('x') && TryNumber(core[..^1], out value) && value > 0)
        {
            result.Add(new PromptToken(PromptTokenKind.Multiplier, core, lower, position, value));
        }
        else if (NumberThenSymbol().Match(core) is { Success: true } glued && TokenCatalog.FindBySymbol(glued.Groups["symbol"].Value) is not null
                 && TryNumber(glued.Groups["number"].Value, out value))
        {
            // "0.1SOL": a number glued to a known symbol.
            var number = glued.Groups["number"].Value;
            var symbol = glued.Groups["symbol"].Value;
            result.Add(new PromptToken(PromptTokenKind.Number, number, number, position, value));
            result.Add(new PromptToken(PromptTokenKind.Word, symbol, symbol.ToLowerInvariant(), position + number.Length, 0m));
        }
        else
        {
            result.Add(new PromptToken(PromptTokenKind.Word, core, lower, position, 0m));
        }
    }

    private static bool TryNumber(string text, out decimal value)
    {
        value = 0m;
        if (!NumberPattern().IsMatch(text))
        {
            return false;
        }

        return decimal.TryParse(text.Replace(",", "", StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }

    [GeneratedRegex(@"\S+", RegexOptions.CultureInvariant)]
    private static partial Regex ChunkPattern();

    [GeneratedRegex(@"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"^(?<number>\d+(?:\.\d+)?)(?<symbol>[A-Za-z][A-Za-z-]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberThenSymbol();
}
