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

        return clauses;
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

    private static decimal Number(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);

    private const string TokenAlternation = "jl-usdc|jlusdc|jusdc|jlusdt|jusdt|jlsol|jsol|l-sol|lsol|wsol|msol|usdc|usdt|bonk|sol";

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
