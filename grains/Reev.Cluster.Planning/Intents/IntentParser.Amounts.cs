using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Intents;

public static partial class IntentParser
{
    /// <summary>
    /// The clause's amount: an explicit number or percentage wins, then a reference to the previous step's
    /// output ("it", "what I received"), then "all"/"everything".
    /// </summary>
    private static AmountSpec? FindAmount(List<PromptToken> clause, int verbIndex, int index, IntentStep? previous, out PromptError? error)
    {
        error = null;
        for (var i = 0; i < clause.Count; i++)
        {
            var token = clause[i];
            if (token.Kind == PromptTokenKind.Number && !(i > 0 && (clause[i - 1].Is("step") || clause[i - 1].Is("#"))))
            {
                if (token.Value <= 0)
                {
                    error = PromptError.At(RejectionReason.InvalidAmount, token.Text, token.Position, index, "amount must be greater than zero:");
                    return null;
                }

                var next = i + 1;
                if (next < clause.Count && clause[next].Is("percent"))
                {
                    return Percent(clause, token, next + 1, index, out error);
                }

                if (next < clause.Count && clause[next].IsWord && !Lexicon.NotTokenAfterNumber.Contains(clause[next].Lower) && !Lexicon.Venues.Contains(clause[next].Lower))
                {
                    var slot = ResolveTokenSlot(clause[next], index);
                    error = slot.Error;
                    return error is null ? AmountSpec.Exact(token.Value, slot.Symbol) : null;
                }

                return AmountSpec.Exact(token.Value, null);
            }

            if (token.Kind == PromptTokenKind.Percent)
            {
                return Percent(clause, token, i + 1, index, out error);
            }

            if (token.IsWord && LooksLikeBadNumber(clause, i, verbIndex))
            {
                error = PromptError.At(RejectionReason.InvalidAmount, token.Text, token.Position, index, "amount is not a number:");
                return null;
            }
        }

        for (var i = 0; i < clause.Count; i++)
        {
            if (clause[i].IsWord && Lexicon.PreviousOutputWords.Contains(clause[i].Lower) && i > verbIndex - 1)
            {
                return PreviousOutput(clause, i, index, previous, out error);
            }
        }

        for (var i = 0; i < clause.Count; i++)
        {
            if (!clause[i].IsWord || !Lexicon.AllWords.Contains(clause[i].Lower))
            {
                continue;
            }

            var at = SkipDeterminers(clause, i + 1);
            if (at < clause.Count && clause[at].Is("balance"))
            {
                at = SkipDeterminers(clause, at + 1);
            }

            if (at < clause.Count && clause[at].IsWord && !IsVerb(clause[at]) && !Lexicon.NotTokenAfterNumber.Contains(clause[at].Lower)
                && !Lexicon.Venues.Contains(clause[at].Lower) && !Lexicon.BalanceWords.Contains(clause[at].Lower))
            {
                var slot = ResolveTokenSlot(clause[at], index);
                error = slot.Error;
                return error is null ? AmountSpec.All(slot.Symbol) : null;
            }

            return AmountSpec.All(null);
        }

        return null;
    }

    private static AmountSpec? Percent(List<PromptToken> clause, PromptToken percent, int after, int index, out PromptError? error)
    {
        error = null;
        if (percent.Value is <= 0 or > 100)
        {
            error = PromptError.At(RejectionReason.InvalidAmount, percent.Text, percent.Position, index, "percentage must be above 0 and at most 100:");
            return null;
        }

        var at = SkipDeterminers(clause, after);
        if (at < clause.Count && clause[at].IsWord && !IsVerb(clause[at]) && !Lexicon.NotTokenAfterNumber.Contains(clause[at].Lower)
            && !Lexicon.Venues.Contains(clause[at].Lower) && !Lexicon.BalanceWords.Contains(clause[at].Lower))
        {
            var slot = ResolveTokenSlot(clause[at], index);
            error = slot.Error;
            return error is null ? AmountSpec.Percent(percent.Value, slot.Symbol) : null;
        }

        return AmountSpec.Percent(percent.Value, null);
    }

    private static AmountSpec? PreviousOutput(List<PromptToken> clause, int markerAt, int index, IntentStep? previous, out PromptError? error)
    {
        error = null;
        var marker = clause[markerAt];
        if (previous is null)
        {
            error = PromptError.At(
                RejectionReason.InvalidReference, marker.Text, marker.Position, index, "refers to a previous step's output, but there is no previous step:");
            return null;
        }

        var produced = ProducedToken(previous);
        if (produced is null)
        {
            error = PromptError.At(
                RejectionReason.InvalidReference, marker.Text, marker.Position, index, $"refers to the output of step {previous.Index} ({previous.Action}), which receives no token:");
            return null;
        }

        var named = FirstNamedToken(clause, 0);
        if (named is not null && named != produced && clause.Any(t => t.IsWord && Lexicon.PreviousOutputWords.Contains(t.Lower) && t.Lower is "received" or "proceeds" or "got" or "obtained" or "bought"))
        {
            error = PromptError.At(
                RejectionReason.InvalidReference, named, marker.Position, index, $"step {previous.Index} receives {produced}, not");
            return null;
        }

        return AmountSpec.PreviousOutput(produced);
    }

    /// <summary>"five SOL", "1.2.3 SOL", "swap abc SOL": a word where the amount should be, followed by a known token.</summary>
    private static bool LooksLikeBadNumber(List<PromptToken> clause, int i, int verbIndex)
    {
        var word = clause[i];
        if (i + 1 >= clause.Count || !clause[i + 1].IsWord || TokenCatalog.FindBySymbol(clause[i + 1].Text) is null)
        {
            return false;
        }

        if (word.Lower.Any(char.IsAsciiDigit) || Lexicon.NumberWords.Contains(word.Lower))
        {
            return true;
        }

        return i == verbIndex + 1
            && !Lexicon.Determiners.Contains(word.Lower)
            && !Lexicon.AllWords.Contains(word.Lower)
            && !Lexicon.PreviousOutputWords.Contains(word.Lower)
            && !Lexicon.NotTokenAfterNumber.Contains(word.Lower)
            && !Lexicon.Venues.Contains(word.Lower)
            && TokenCatalog.FindBySymbol(word.Text) is null;
    }

    /// <summary>Largest "Nx" target a prompt may set; beyond it the amounts it implies leave any balance behind.</summary>
    internal const decimal MaxMultiplier = 1000m;

    private static decimal? FindMultiplier(List<PromptToken> clause, int index, out PromptError? error)
    {
        error = null;
        foreach (var token in clause)
        {
            if (token.Kind == PromptTokenKind.Multiplier)
            {
                if (token.Value > MaxMultiplier)
                {
                    error = PromptError.At(RejectionReason.InvalidAmount, token.Text, token.Position, index, $"multiplier must be at most {MaxMultiplier:0}x:");
                    return null;
                }

                return token.Value;
            }
        }

        return null;
    }

    /// <summary>A word where a token symbol must be: known, or an <see cref="RejectionReason.UnknownToken"/> error.</summary>
    private static (string? Symbol, PromptError? Error) ResolveTokenSlot(PromptToken word, int index)
    {
        if (TokenCatalog.FindBySymbol(word.Text) is { } token)
        {
            return (token.Symbol, null);
        }

        return (null, PromptError.At(RejectionReason.UnknownToken, word.Text, word.Position, index, "unknown token"));
    }

    private static string? FirstNamedToken(List<PromptToken> clause, int from)
    {
        for (var i = Math.Max(0, from); i < clause.Count; i++)
        {
            if (clause[i].IsWord && TokenCatalog.FindBySymbol(clause[i].Text) is { } token)
            {
                return token.Symbol;
            }
        }

        return null;
    }
}
