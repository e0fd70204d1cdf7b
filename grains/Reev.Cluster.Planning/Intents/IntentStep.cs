namespace Reev.Cluster.Planning.Intents;

/// <summary>One action of a prompt, in the order the prompt gives them.</summary>
/// <param name="Index">1-based position among the prompt's actions.</param>
/// <param name="Action">What to do.</param>
/// <param name="Amount">How much, when the action moves tokens.</param>
/// <param name="InputToken">The token spent (swap input, deposited or sent token), upper-case symbol.</param>
/// <param name="OutputToken">The token received (swap output), upper-case symbol.</param>
/// <param name="Recipient">Transfer recipient: a base58 address or an ALL-CAPS placeholder.</param>
/// <param name="TargetMultiplier">A target such as "1.5x": grow the holding of <paramref name="OutputToken"/> (or the input token) to this multiple.</param>
/// <param name="Text">The clause of the prompt this action came from.</param>
public sealed record IntentStep(
    int Index,
    ActionKind Action,
    AmountSpec? Amount,
    string? InputToken,
    string? OutputToken,
    string? Recipient,
    decimal? TargetMultiplier,
    string Text);
