using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Intents;

public static partial class IntentParser
{
    private static ClauseResult ParseClause(string prompt, List<PromptToken> clause, int index, IntentStep? previous)
    {
        var text = ClauseText(prompt, clause);
        var verbIndex = FindVerb(clause, out var action);
        if (verbIndex < 0)
        {
            return ClauseResult.None;
        }

        if (action is ActionKind.CheckBalances or ActionKind.CheckPositions)
        {
            return ClauseResult.Of(new IntentStep(index, action, null, null, null, null, null, text));
        }

        var amount = FindAmount(clause, verbIndex, index, previous, out var amountError);
        if (amountError is { } error)
        {
            return ClauseResult.Fail(error);
        }

        var multiplier = FindMultiplier(clause, index, out var multiplierError);
        if (multiplierError is { } tooLarge)
        {
            return ClauseResult.Fail(tooLarge);
        }

        return action switch
        {
            ActionKind.Swap => ParseSwap(clause, verbIndex, index, text, amount, multiplier, previous),
            ActionKind.Transfer => ParseTransfer(clause, verbIndex, index, text, amount),
            _ => ParseLending(clause, verbIndex, index, text, action, amount),
        };
    }

    /// <summary>The first action verb; a check verb ("show", "what") or a balance/position noun only when there is none.</summary>
    private static int FindVerb(List<PromptToken> clause, out ActionKind action)
    {
        for (var i = 0; i < clause.Count; i++)
        {
            if (clause[i].IsWord && Lexicon.ActionVerbs.TryGetValue(clause[i].Lower, out action))
            {
                return i;
            }
        }

        var checkAt = -1;
        var positions = false;
        for (var i = 0; i < clause.Count; i++)
        {
            var word = clause[i];
            if (!word.IsWord)
            {
                continue;
            }

            if (Lexicon.CheckVerbs.Contains(word.Lower) || Lexicon.BalanceWords.Contains(word.Lower) || Lexicon.PositionWords.Contains(word.Lower))
            {
                checkAt = checkAt < 0 ? i : checkAt;
            }

            positions |= Lexicon.PositionWords.Contains(word.Lower);
        }

        action = positions ? ActionKind.CheckPositions : ActionKind.CheckBalances;
        return checkAt;
    }

    private static ClauseResult ParseSwap(
        List<PromptToken> clause, int verbIndex, int index, string text, AmountSpec? amount, decimal? multiplier, IntentStep? previous)
    {
        var verb = clause[verbIndex].Lower;
        string? output = null;
        string? input = amount?.Token;

        // "buy USDC", "multiply usdc 1.5x": the verb's object is the output; "sell SOL": it is the input.
        if (verb is "buy" or "multiply" or "sell")
        {
            var objectAt = SkipDeterminers(clause, verbIndex + 1);
            if (objectAt < clause.Count && clause[objectAt].IsWord && clause[objectAt].Kind == PromptTokenKind.Word
                && !Lexicon.AllWords.Contains(clause[objectAt].Lower) && !Lexicon.PreviousOutputWords.Contains(clause[objectAt].Lower))
            {
                if (ResolveTokenSlot(clause[objectAt], index) is { Error: { } error })
                {
                    return ClauseResult.Fail(error);
                }
                else if (TokenCatalog.FindBySymbol(clause[objectAt].Text) is { } named)
                {
                    if (verb == "sell")
                    {
                        input ??= named.Symbol;
                    }
                    else
                    {
                        output = named.Symbol;
                    }
                }
            }
        }

        for (var i = verbIndex + 1; output is null && i < clause.Count; i++)
        {
            if (!(clause[i].Is("to") || clause[i].Is("for") || clause[i].Is("into")))
            {
                continue;
            }

            var slot = SkipDeterminers(clause, i + 1);
            if (slot >= clause.Count || !clause[slot].IsWord || IsVerb(clause[slot]) || Lexicon.Venues.Contains(clause[slot].Lower))
            {
                continue;
            }

            var resolved = ResolveTokenSlot(clause[slot], index);
            if (resolved.Error is { } error)
            {
                return ClauseResult.Fail(error);
            }

            output = resolved.Symbol;
        }

        for (var i = 0; input is null && i < clause.Count - 1; i++)
        {
            if ((clause[i].Is("with") || clause[i].Is("using") || clause[i].Is("from")) && TokenCatalog.FindBySymbol(clause[i + 1].Text) is { } paid)
            {
                input = paid.Symbol;
            }
        }

        var afterVerb = SkipDeterminers(clause, verbIndex + 1);
        if (input is null && verb != "buy" && verb != "multiply" && afterVerb < clause.Count && clause[afterVerb].IsWord
            && TokenCatalog.FindBySymbol(clause[afterVerb].Text) is { } direct)
        {
            input = direct.Symbol;
        }

        if (input is null && amount is { Kind: AmountKind.PreviousOutput })
        {
            input = ProducedToken(previous);
        }

        // "use my SOL to multiply usdc 1.5x": a token named before the verb is what is spent.
        for (var i = 0; input is null && i < verbIndex; i++)
        {
            if (clause[i].IsWord && TokenCatalog.FindBySymbol(clause[i].Text) is { } before && before.Symbol != output)
            {
                input = before.Symbol;
            }
        }

        if (output is null)
        {
            return ClauseResult.Fail(new PromptError(
                RejectionReason.MissingToken,
                $"the swap in step {index} names no token to receive (\"{text}\"): say e.g. \"to USDC\"",
                text,
                clause[verbIndex].Position,
                index));
        }

        if (input is null)
        {
            return ClauseResult.Fail(new PromptError(
                RejectionReason.MissingToken,
                $"the swap in step {index} names no token to spend (\"{text}\"): say e.g. \"0.1 SOL\"",
                text,
                clause[verbIndex].Position,
                index));
        }

        if (string.Equals(input, output, StringComparison.Ordinal))
        {
            return ClauseResult.Fail(new PromptError(
                RejectionReason.SameInputAndOutput,
                $"the swap in step {index} spends and receives the same token {input} (\"{text}\")",
                input,
                clause[verbIndex].Position,
                index));
        }

        if (amount is null && multiplier is null)
        {
            return ClauseResult.Fail(MissingAmount(clause, verbIndex, index, text));
        }

        var swap = new IntentStep(index, ActionKind.Swap, amount?.WithToken(input), input, output, null, multiplier, text);
        if (verb != "multiply")
        {
            return ClauseResult.Of(swap);
        }

        // "multiply usdc 1.5x" (benchmark 300): buy the token, then put what was bought to work in Jupiter lending.
        var lend = new IntentStep(index + 1, ActionKind.Lend, AmountSpec.PreviousOutput(output), output, null, null, null, text);
        return ClauseResult.Of(swap, lend);
    }

    private static ClauseResult ParseTransfer(List<PromptToken> clause, int verbIndex, int index, string text, AmountSpec? amount)
    {
        if (amount is null)
        {
            return ClauseResult.Fail(MissingAmount(clause, verbIndex, index, text));
        }

        var token = amount.Value.Token ?? FirstNamedToken(clause, verbIndex);
        if (token is null)
        {
            return ClauseResult.Fail(new PromptError(
                RejectionReason.MissingToken,
                $"the transfer in step {index} names no token (\"{text}\"): say e.g. \"0.5 SOL\"",
                text,
                clause[verbIndex].Position,
                index));
        }

        for (var i = verbIndex + 1; i < clause.Count; i++)
        {
            if (!clause[i].Is("to"))
            {
                continue;
            }

            var slot = i + 1;
            while (slot < clause.Count && clause[slot].IsWord && Lexicon.RecipientFillers.Contains(clause[slot].Lower))
            {
                slot++;
            }

            if (slot >= clause.Count || !clause[slot].IsWord && clause[slot].Kind != PromptTokenKind.Number)
            {
                break;
            }

            var recipient = clause[slot];
            if (!Base58Address.IsValid(recipient.Text) && !Base58Address.IsPlaceholder(recipient.Text))
            {
                return ClauseResult.Fail(PromptError.At(
                    RejectionReason.InvalidAddress, recipient.Text, recipient.Position, index, "recipient is not a base58 Solana address:"));
            }

            return ClauseResult.Of(new IntentStep(index, ActionKind.Transfer, amount.Value.WithToken(token), token, null, recipient.Text, null, text));
        }

        return ClauseResult.Fail(new PromptError(
            RejectionReason.MissingRecipient,
            $"the transfer in step {index} has no recipient (\"{text}\"): say \"to <address>\"",
            text,
            clause[verbIndex].Position,
            index));
    }

    private static ClauseResult ParseLending(List<PromptToken> clause, int verbIndex, int index, string text, ActionKind action, AmountSpec? amount)
    {
        if (amount is null)
        {
            return ClauseResult.Fail(MissingAmount(clause, verbIndex, index, text));
        }

        var token = amount.Value.Token ?? FirstNamedToken(clause, verbIndex);
        if (token is null)
        {
            return ClauseResult.Fail(new PromptError(
                RejectionReason.MissingToken,
                $"step {index} names no token (\"{text}\"): say e.g. \"50 USDC\"",
                text,
                clause[verbIndex].Position,
                index));
        }

        // Withdraw and redeem produce the underlying asset, so "then swap it" can follow them.
        string? output = action switch
        {
            ActionKind.Withdraw => token,
            ActionKind.Redeem => UnderlyingSymbol(token),
            _ => null,
        };
        return ClauseResult.Of(new IntentStep(index, action, amount.Value.WithToken(token), token, output, null, null, text));
    }

    private static PromptError MissingAmount(List<PromptToken> clause, int verbIndex, int index, string text) => new(
        RejectionReason.MissingAmount,
        $"step {index} gives no amount (\"{text}\"): say e.g. \"0.1 SOL\", \"50%\", \"all\" or \"it\"",
        text,
        clause[verbIndex].Position,
        index);

    private static string ClauseText(string prompt, List<PromptToken> clause)
    {
        var start = clause[0].Position;
        var last = clause[^1];
        var end = Math.Min(prompt.Length, last.Position + last.Text.Length);
        return end > start ? prompt[start..end] : last.Text;
    }

    private static int SkipDeterminers(List<PromptToken> clause, int from)
    {
        while (from < clause.Count && clause[from].IsWord && Lexicon.Determiners.Contains(clause[from].Lower))
        {
            from++;
        }

        return from;
    }

    private static bool IsVerb(PromptToken token) =>
        token.IsWord && (Lexicon.ActionVerbs.ContainsKey(token.Lower) || Lexicon.CheckVerbs.Contains(token.Lower));

    private static string UnderlyingSymbol(string symbol) =>
        TokenCatalog.FindBySymbol(symbol) is { UnderlyingMint: { } underlying } && TokenCatalog.FindByMint(underlying) is { } asset ? asset.Symbol : symbol;

    /// <summary>The symbol a produced-token reference ("it") stands for: the previous step's output.</summary>
    private static string? ProducedToken(IntentStep? previous) => previous?.OutputToken;
}
