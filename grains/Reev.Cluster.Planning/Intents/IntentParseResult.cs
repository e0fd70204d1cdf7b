using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Planning.Intents;

/// <summary>A parsed intent, or why the prompt was rejected.</summary>
public readonly record struct IntentParseResult
{
    private IntentParseResult(ParsedIntent? intent, PromptError error)
    {
        Intent = intent;
        Error = error;
    }

    public ParsedIntent? Intent { get; }

    /// <summary>The rejection; <see cref="RejectionReason.None"/> on success.</summary>
    public PromptError Error { get; }

    [MemberNotNullWhen(true, nameof(Intent))]
    public bool IsSuccess => Intent is not null;

    public static IntentParseResult Success(ParsedIntent intent)
    {
        ArgumentNullException.ThrowIfNull(intent);
        return new(intent, default);
    }

    public static IntentParseResult Failure(PromptError error) => new(null, error);
}
