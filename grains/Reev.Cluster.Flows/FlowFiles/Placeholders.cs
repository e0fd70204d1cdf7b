using System.Text.RegularExpressions;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Placeholder syntax: every ALL-CAPS string with an underscore (REFERENCE §1.1).</summary>
public static partial class Placeholders
{
    /// <summary>True for <c>USER_WALLET_PUBKEY</c>-style names.</summary>
    public static bool IsPlaceholder(string? value) => value is not null && PlaceholderPattern().IsMatch(value);

    /// <summary>Finds placeholders inside free text (prompts).</summary>
    public static IEnumerable<string> FindIn(string text) =>
        PlaceholderInText().Matches(text ?? "").Select(static m => m.Value).Distinct(StringComparer.Ordinal);

    [GeneratedRegex("^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderInText();
}
