namespace Reev.Cluster.Planning.Intents;

/// <summary>The actions of one clause (zero for a clause with no verb, two for "multiply"), or its error.</summary>
internal readonly record struct ClauseResult(IReadOnlyList<IntentStep> Steps, PromptError? Error)
{
    public static ClauseResult None { get; } = new([], null);

    public static ClauseResult Of(params IntentStep[] steps) => new(steps, null);

    public static ClauseResult Fail(PromptError error) => new([], error);
}
