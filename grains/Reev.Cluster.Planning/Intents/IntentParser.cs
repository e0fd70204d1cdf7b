namespace Reev.Cluster.Planning.Intents;

/// <summary>
/// Turns a prompt into an ordered list of actions, case-insensitively ("Swap 0.1 sol to usdc then lend it").
/// Tokens are those of the price oracle (<see cref="TokenCatalog"/>).
/// Never throws for any input text: a prompt it cannot use is rejected with a <see cref="PromptError"/>.
/// </summary>
public static partial class IntentParser
{
    /// <summary>Validates and parses a whole prompt.</summary>
    public static IntentParseResult Parse(string? prompt) => Parse(prompt, previous: null);

    /// <summary>
    /// Parses a prompt that continues after <paramref name="previous"/> (a flow file's later step), so that
    /// "deposit the USDC received from step 1" can refer to that step's output.
    /// </summary>
    public static IntentParseResult Parse(string? prompt, IntentStep? previous)
    {
        if (PromptValidator.Validate(prompt) is { } invalid)
        {
            return IntentParseResult.Failure(invalid);
        }

        var tokens = PromptTokenizer.Tokenize(prompt!);
        var steps = new List<IntentStep>();
        foreach (var clause in SplitClauses(tokens))
        {
            var last = steps.Count > 0 ? steps[^1] : previous;
            var offset = previous is null ? 0 : previous.Index;
            var parsed = ParseClause(prompt!, clause, offset + steps.Count + 1, last);
            if (parsed.Error is { } error)
            {
                return IntentParseResult.Failure(error);
            }

            steps.AddRange(parsed.Steps);
        }

        if (steps.Count == 0)
        {
            return IntentParseResult.Failure(PromptError.Whole(
                RejectionReason.UnrecognizedIntent,
                "no action found: say swap, lend/deposit, withdraw, mint, redeem, send or check"));
        }

        return IntentParseResult.Success(new ParsedIntent(prompt!, new(steps)));
    }

    /// <summary>Splits at "then", "and then", "after that", sentence ends, and at "and"/"," when an action verb follows.</summary>
    private static List<List<PromptToken>> SplitClauses(List<PromptToken> tokens)
    {
        var clauses = new List<List<PromptToken>>();
        var current = new List<PromptToken>();

        void Close()
        {
            if (current.Count > 0)
            {
                clauses.Add(current);
                current = [];
            }
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token.Kind == PromptTokenKind.Separator && token.Text is ";" or "." or "!" or "?")
            {
                Close();
            }
            else if (token.Is("then") || token.Is("afterwards") || token.Is("subsequently"))
            {
                Close();
            }
            else if (token.Is("after") && i + 1 < tokens.Count && (tokens[i + 1].Is("that") || tokens[i + 1].Is("this")))
            {
                Close();
                i++;
            }
            else if (token.Is("and") || (token.Kind == PromptTokenKind.Separator && token.Text is "," or ":"))
            {
                var next = i + 1 < tokens.Count ? tokens[i + 1] : default;
                if (next.Is("then") || (next.Is("after") && i + 2 < tokens.Count && tokens[i + 2].Is("that")))
                {
                    continue;
                }

                if (NextMeaningfulIsVerb(tokens, i + 1))
                {
                    Close();
                }
                else if (token.IsWord)
                {
                    current.Add(token);
                }
            }
            else
            {
                current.Add(token);
            }
        }

        Close();
        return clauses;
    }

    private static bool NextMeaningfulIsVerb(List<PromptToken> tokens, int from)
    {
        for (var i = from; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (!token.IsWord)
            {
                return false;
            }

            if (Lexicon.ActionVerbs.ContainsKey(token.Lower) || Lexicon.CheckVerbs.Contains(token.Lower))
            {
                return true;
            }

            if (!Lexicon.Fillers.Contains(token.Lower))
            {
                return false;
            }
        }

        return false;
    }
}
