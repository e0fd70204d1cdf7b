using System.Text.RegularExpressions;

namespace Reev.Cluster.Planning.Intents;

/// <summary>The checks a prompt must pass before it is parsed: not empty, not too long, not abusive.</summary>
public static partial class PromptValidator
{
    /// <summary>The longest prompt accepted, in characters (the reference's limit).</summary>
    public const int MaxPromptLength = 1000;

    /// <summary>The first rule the prompt breaks, or null when it passes.</summary>
    public static PromptError? Validate(string? prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            return PromptError.Whole(RejectionReason.Empty, "the prompt is empty");
        }

        if (prompt.Length > MaxPromptLength)
        {
            return new PromptError(
                RejectionReason.TooLong,
                $"the prompt has {prompt.Length} characters; the limit is {MaxPromptLength}",
                null,
                MaxPromptLength,
                0);
        }

        foreach (Match word in WordPattern().Matches(prompt))
        {
            var lower = word.Value.ToLowerInvariant();
            foreach (var stem in Lexicon.AbusiveStems)
            {
                if (lower.StartsWith(stem, StringComparison.Ordinal))
                {
                    return new PromptError(
                        RejectionReason.AbusiveIntent,
                        $"abusive intent '{word.Value}' at character {word.Index + 1}: the planner does not drain, steal, hack or exploit",
                        word.Value,
                        word.Index,
                        0);
                }
            }
        }

        return null;
    }

    [GeneratedRegex(@"[A-Za-z]+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
