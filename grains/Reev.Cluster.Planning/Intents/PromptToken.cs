namespace Reev.Cluster.Planning.Intents;

/// <summary>A word, number or separator of a prompt, with its 0-based position in the prompt.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Text">The text as written (addresses keep their case).</param>
/// <param name="Lower">Lower-case text, for keyword matching.</param>
/// <param name="Position">0-based character offset in the prompt.</param>
/// <param name="Value">The number of a Number, Percent or Multiplier token.</param>
internal readonly record struct PromptToken(PromptTokenKind Kind, string Text, string Lower, int Position, decimal Value)
{
    public bool IsWord => Kind == PromptTokenKind.Word;

    public bool Is(string lowerWord) => Kind == PromptTokenKind.Word && Lower == lowerWord;
}
