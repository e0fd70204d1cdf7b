using System.Collections.Frozen;

namespace Reev.Cluster.Planning.Intents;

/// <summary>The words the intent parser recognises. Matching is on lower-case text.</summary>
internal static class Lexicon
{
    public static readonly FrozenDictionary<string, ActionKind> ActionVerbs = new Dictionary<string, ActionKind>
    {
        ["swap"] = ActionKind.Swap,
        ["exchange"] = ActionKind.Swap,
        ["convert"] = ActionKind.Swap,
        ["trade"] = ActionKind.Swap,
        ["buy"] = ActionKind.Swap,
        ["sell"] = ActionKind.Swap,
        ["multiply"] = ActionKind.Swap,
        ["lend"] = ActionKind.Lend,
        ["deposit"] = ActionKind.Lend,
        ["supply"] = ActionKind.Lend,
        ["withdraw"] = ActionKind.Withdraw,
        ["mint"] = ActionKind.Mint,
        ["redeem"] = ActionKind.Redeem,
        ["send"] = ActionKind.Transfer,
        ["transfer"] = ActionKind.Transfer,
        ["pay"] = ActionKind.Transfer,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Read-only verbs; they only count when a clause has no action verb.</summary>
    public static readonly FrozenSet<string> CheckVerbs = FrozenSet.ToFrozenSet(
        ["check", "show", "view", "get", "see", "display", "list", "what", "what's", "whats", "how", "fetch", "look"], StringComparer.Ordinal);

    public static readonly FrozenSet<string> PositionWords = FrozenSet.ToFrozenSet(
        ["position", "positions", "earnings", "earning", "earned", "yield", "yields"], StringComparer.Ordinal);

    public static readonly FrozenSet<string> BalanceWords = FrozenSet.ToFrozenSet(
        ["balance", "balances", "portfolio", "holdings", "wallet"], StringComparer.Ordinal);

    /// <summary>Words that stand for "the whole balance".</summary>
    public static readonly FrozenSet<string> AllWords = FrozenSet.ToFrozenSet(
        ["all", "everything", "entire", "whole", "full", "max", "maximum"], StringComparer.Ordinal);

    /// <summary>Words that refer to what the previous step produced.</summary>
    public static readonly FrozenSet<string> PreviousOutputWords = FrozenSet.ToFrozenSet(
        ["it", "them", "that", "received", "proceeds", "output", "result", "got", "obtained", "bought"], StringComparer.Ordinal);

    /// <summary>Words that may sit between a verb and its object, or before a token, without meaning an amount.</summary>
    public static readonly FrozenSet<string> Determiners = FrozenSet.ToFrozenSet(
        ["my", "the", "some", "your", "our", "more", "any", "remaining", "available", "of", "a", "an", "me", "us", "this", "these", "those", "half"], StringComparer.Ordinal);

    /// <summary>Words that follow a number without being its token ("send 5 to ...").</summary>
    public static readonly FrozenSet<string> NotTokenAfterNumber = FrozenSet.ToFrozenSet(
        ["to", "for", "into", "of", "from", "and", "then", "in", "on", "with", "using", "via", "worth", "at", "as", "percent", "times"], StringComparer.Ordinal);

    /// <summary>Words skipped when looking ahead past a connector for the next verb.</summary>
    public static readonly FrozenSet<string> Fillers = FrozenSet.ToFrozenSet(
        ["also", "please", "i", "want", "to", "would", "like", "you", "can", "could", "then", "finally", "and", "we", "let's", "lets", "let", "me", "just", "go", "ahead", "immediately", "afterwards", "help", "should", "will", "i'd", "kindly"], StringComparer.Ordinal);

    /// <summary>Words skipped between "to" and a transfer recipient.</summary>
    public static readonly FrozenSet<string> RecipientFillers = FrozenSet.ToFrozenSet(
        ["the", "recipient", "address", "wallet", "account", "my", "friend", "pubkey", "user", "at", "a", "this"], StringComparer.Ordinal);

    /// <summary>Venue and protocol names, never tokens.</summary>
    public static readonly FrozenSet<string> Venues = FrozenSet.ToFrozenSet(
        ["jupiter", "jup", "raydium", "orca", "solana", "lending", "lend", "earn", "dex", "pool", "pools", "protocol"], StringComparer.Ordinal);

    public static readonly FrozenSet<string> NumberWords = FrozenSet.ToFrozenSet(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "fifty", "hundred", "thousand", "million", "few", "several", "lots", "lot", "many", "much"], StringComparer.Ordinal);

    public static readonly FrozenSet<string> AbusiveStems = FrozenSet.ToFrozenSet(["drain", "steal", "stole", "stolen", "hack", "exploit"], StringComparer.Ordinal);
}
