namespace Reev.Cluster.Planning.Intents;

/// <summary>What is wrong with a prompt and where.</summary>
/// <param name="Reason">The rejection code.</param>
/// <param name="Message">A sentence naming the offending text and its position.</param>
/// <param name="Subject">The offending text ("FOO", "-5", "0xabc"), when there is one.</param>
/// <param name="Position">0-based character offset of <paramref name="Subject"/> in the prompt, or -1.</param>
/// <param name="Step">1-based clause (step) of the prompt the error is in, or 0 when it concerns the whole prompt.</param>
public readonly record struct PromptError(RejectionReason Reason, string Message, string? Subject, int Position, int Step)
{
    public override string ToString() => $"{Reason}: {Message}";

    internal static PromptError Whole(RejectionReason reason, string message) => new(reason, message, null, -1, 0);

    internal static PromptError At(RejectionReason reason, string subject, int position, int step, string what) =>
        new(reason, $"{what} '{subject}' at character {position + 1} (step {step})", subject, position, step);
}
