using System.Globalization;
using System.Text.RegularExpressions;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Agents;

/// <summary>
/// Reads step prompts for the deterministic agent, case-insensitively: clauses split on "then", "and then",
/// "after that", "afterwards", "followed by"; per clause the earliest action verb with an amount wins
/// (swap/exchange/convert/trade/sell, buy, deposit/lend/supply/stake, withdraw, mint, redeem,
/// send/transfer/pay), otherwise the earliest read intent (positions/earnings, balance, lend tokens).
/// A prompt without a stated action is read as a strategy when it has one (the 300-series shapes):
/// "withdraw all (lending) positions" [+ "convert … to stable"]; "N% of my SOL" + lending words + another token
/// (swap that share, then lend the output); "N% of my SOL" + lending words (lend that share);
/// "N% of my capital/portfolio" + lending words (lend that share of every lendable holding).
/// </summary>
internal static partial class PromptReader
{
    public static IReadOnlyList<PromptClause> Read(string prompt)
    {
        var clauses = new List<PromptClause>();
        foreach (var part in Splitter().Split(prompt ?? ""))
        {
            if (!string.IsNullOrWhiteSpace(part) && ReadClause(part.Trim()) is { } clause)
            {
                clauses.Add(clause);
            }
        }

        return clauses.Any(static c => c.Amount is not null && c.Intent is >= PromptIntent.Swap and <= PromptIntent.Transfer && (c.Symbols.Count > 0 || c.Amount is PromptAmount.Previous))
            ? clauses
            : Strategy(prompt ?? "") ?? clauses;
    }

    private static List<PromptClause>? Strategy(string text)
    {
        var symbols = Tokens().Matches(text).Select(static m => Canonical(m.Value)).Distinct(StringComparer.Ordinal).ToList();
        if (ExitAll().IsMatch(text))
        {
            var exit = new List<PromptClause> { new(text, PromptIntent.ExitPositions, new PromptAmount.All(null), symbols, null, []) };
            if (ConvertToStable().IsMatch(text))
            {
                exit.Add(new PromptClause(text, PromptIntent.Swap, new PromptAmount.All("SOL"), ["SOL", "USDC"], "USDC", []));
            }

            return exit;
        }

        if (!LendingWords().IsMatch(text))
        {
            return null;
        }

        if (PercentOfCapital().Match(text) is { Success: true } capital)
        {
            return [new PromptClause(text, PromptIntent.DepositEach, new PromptAmount.Percent(Number(capital.Groups["n"].Value), null), symbols, null, [])];
        }

        if (PercentAmount().Match(text) is not { Success: true } percent || !percent.Groups["t"].Success)
        {
            return null;
        }

        var source = Canonical(percent.Groups["t"].Value);
        var amount = new PromptAmount.Percent(Number(percent.Groups["n"].Value), source);
        var other = symbols.FirstOrDefault(s => s != source && TokenCatalog.FindBySymbol(s) is { IsLendingShare: false });
        return other is null
            ? [new PromptClause(text, PromptIntent.Deposit, amount, symbols, null, [])]
            : [
                new PromptClause(text, PromptIntent.Swap, amount, [source, other], other, []),
                new PromptClause(text, PromptIntent.Deposit, new PromptAmount.Previous(other), [other], null, []),
            ];
    }

    private static PromptClause? ReadClause(string text)
    {
        var symbols = Tokens().Matches(text).Select(static m => Canonical(m.Value)).ToList();
        var amount = ReadAmount(text);
        var addresses = Addresses().Matches(text).Select(static m => m.Value).Where(static v => Placeholders.IsPlaceholder(v) || Base58.IsPublicKey(v)).ToList();
        var verb = Verbs().Match(text);
        var actionIntent = verb.Success ? IntentOf(verb.Value) : PromptIntent.None;
        var target = Target(text, actionIntent);
        if (actionIntent != PromptIntent.None && amount is not null)
        {
            return new PromptClause(text, actionIntent, amount, symbols, target, addresses);
        }

        var read = Reads().Match(text);
        if (read.Success)
        {
            var word = read.Value.ToLowerInvariant();
            var intent = word.StartsWith("balance", StringComparison.Ordinal) || word.StartsWith("holding", StringComparison.Ordinal)
                ? PromptIntent.Balance
                : word.Contains("token", StringComparison.Ordinal) || word.Contains("rate", StringComparison.Ordinal) || word.Contains("apy", StringComparison.Ordinal) ? PromptIntent.LendTokens : PromptIntent.Positions;
            return new PromptClause(text, intent, null, symbols, null, addresses);
        }

        // An action with no amount ("withdraw my USDC", "redeem my jUSDC") means all of it.
        return actionIntent is PromptIntent.Withdraw or PromptIntent.Redeem or PromptIntent.Deposit && symbols.Count > 0
            ? new PromptClause(text, actionIntent, new PromptAmount.All(symbols[0]), symbols, target, addresses)
            : actionIntent == PromptIntent.None ? null : new PromptClause(text, actionIntent, null, symbols, target, addresses);
    }

    private static PromptAmount? ReadAmount(string text)
    {
        if (PercentAmount().Match(text) is { Success: true } percent)
        {
            return new PromptAmount.Percent(Number(percent.Groups["n"].Value), Symbol(percent.Groups["t"]));
        }

        if (ExactAmount().Match(text) is { Success: true } exact)
        {
            return new PromptAmount.Exact(Number(exact.Groups["n"].Value), Canonical(exact.Groups["t"].Value));
        }

        var firstToken = Tokens().Match(text);
        if (Reference().Match(text) is { Success: true })
        {
            return new PromptAmount.Previous(firstToken.Success ? Canonical(firstToken.Value) : null);
        }

        if (AllAmount().Match(text) is { Success: true } all)
        {
            var after = Tokens().Match(text, all.Index);
            return new PromptAmount.All(after.Success ? Canonical(after.Value) : firstToken.Success ? Canonical(firstToken.Value) : null);
        }

        return null;
    }

    private static string? Target(string text, PromptIntent intent)
    {
        var pattern = intent == PromptIntent.Buy ? BuyTarget() : SwapTarget();
        var match = pattern.Match(text);
        return match.Success ? Canonical(match.Groups["t"].Value) : null;
    }

    private static PromptIntent IntentOf(string verb) => verb.ToLowerInvariant() switch
    {
        "swap" or "exchange" or "convert" or "trade" or "sell" => PromptIntent.Swap,
        "buy" => PromptIntent.Buy,
        "deposit" or "lend" or "supply" or "stake" => PromptIntent.Deposit,
        "withdraw" => PromptIntent.Withdraw,
        "mint" => PromptIntent.Mint,
        "redeem" => PromptIntent.Redeem,
        _ => PromptIntent.Transfer,
    };

    private static string? Symbol(Group group) => group.Success ? Canonical(group.Value) : null;

    /// <summary>The catalog symbol of a prompt token ("sol" → SOL, "jusdc" → jlUSDC).</summary>
    private static string Canonical(string token) => TokenCatalog.FindBySymbol(token)?.Symbol ?? token.ToUpperInvariant();

    /// <summary>
    /// The number a prompt states; one past decimal's range (29 digits and more) reads as <see cref="decimal.MaxValue"/>,
    /// which no token's base units can hold, so the agent refuses it as too large instead of throwing.
    /// </summary>
    private static decimal Number(string text) =>
        decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) ? value : decimal.MaxValue;

    private const string TokenAlternation = "jl-usdc|jlusdc|jusdc|jlusdt|jusdt|jlsol|jsol|l-sol|lsol|wsol|msol|usdc|usdt|bonk|sol";

    [GeneratedRegex(@"\b(?:withdraw|exit|close|redeem|unwind)\s+(?:from\s+)?(?:all|every(?:thing)?)\b|\bexit\b.*\ball\s+(?:my\s+)?positions\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExitAll();

    [GeneratedRegex(@"\b(?:convert|swap|move)\b[^.]*\b(?:stable|stables|stablecoins?|usdc)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConvertToStable();

    [GeneratedRegex(@"\b(?:lend|lending|yield|deposit|returns|multiply|earn|apy|pools?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LendingWords();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)\s*%\s*(?:of\s+)?(?:my\s+|the\s+)?(?:available\s+|total\s+)?(?:capital|portfolio|funds|holdings|assets)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PercentOfCapital();

    [GeneratedRegex(@"\s*(?:[,;.]\s*)?\b(?:and\s+then|then|after\s+that|afterwards|followed\s+by)\b[,\s]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Splitter();

    [GeneratedRegex(@"(?<![\w-])(?:" + TokenAlternation + @")(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\b(?:swap|exchange|convert|trade|sell|buy|deposit|lend|supply|stake|withdraw|mint|redeem|send|transfer|pay)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Verbs();

    [GeneratedRegex(@"\b(?:positions?|earnings|earned|balances?|holdings|lend(?:ing)?\s+tokens|(?:supply\s+)?rates|apy)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reads();

    [GeneratedRegex(@"(?<n>\d+(?:\.\d+)?)\s*%(?:\s*(?:of\s+)?(?:my\s+|the\s+|your\s+)?(?<t>" + TokenAlternation + @")(?![\w-]))?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PercentAmount();

    [GeneratedRegex(@"(?<![\w.])(?<n>\d+(?:\.\d+)?)\s*(?<t>" + TokenAlternation + @")(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ExactAmount();

    [GeneratedRegex(@"\b(?:all|everything|entire|full|whole|max(?:imum)?)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AllAmount();

    [GeneratedRegex(@"\b(?:it|them|those|what\s+i\s+(?:received|got)|received|the\s+proceeds|the\s+output)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reference();

    [GeneratedRegex(@"\b(?:to|for|into)\s+(?:some\s+|more\s+)?(?<t>" + TokenAlternation + @")(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SwapTarget();

    [GeneratedRegex(@"\bbuy\s+(?:some\s+|more\s+)?(?<t>" + TokenAlternation + @")(?![\w-])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BuyTarget();

    [GeneratedRegex(@"\b[A-Za-z0-9_]{20,}\b|\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b", RegexOptions.CultureInvariant)]
    private static partial Regex Addresses();
}
