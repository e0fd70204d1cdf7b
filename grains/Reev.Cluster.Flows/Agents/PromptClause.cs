namespace Reev.Cluster.Flows.Agents;

/// <summary>One action of a prompt, as <see cref="PromptReader"/> reads it.</summary>
/// <param name="Text">The clause text.</param>
/// <param name="Intent">What to do.</param>
/// <param name="Amount">The amount, when stated.</param>
/// <param name="Symbols">Token symbols in order of appearance (canonical symbols).</param>
/// <param name="TargetSymbol">The token after "to/for/into" (swap output) or after "buy".</param>
/// <param name="Addresses">Placeholders and base58 addresses in order of appearance.</param>
internal sealed record PromptClause(
    string Text,
    PromptIntent Intent,
    PromptAmount? Amount,
    IReadOnlyList<string> Symbols,
    string? TargetSymbol,
    IReadOnlyList<string> Addresses);
