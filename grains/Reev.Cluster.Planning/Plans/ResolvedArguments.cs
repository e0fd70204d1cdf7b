using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Planning.Plans;

/// <summary>A step's tool arguments as JSON with its amount resolved, or why the amount cannot be resolved.</summary>
public readonly record struct ResolvedArguments
{
    private ResolvedArguments(string? json, ulong? amount, string? error)
    {
        Json = json;
        Amount = amount;
        Error = error;
    }

    public string? Json { get; }

    /// <summary>The resolved amount in base units, when the step moves tokens.</summary>
    public ulong? Amount { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Json))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static ResolvedArguments Success(string json, ulong? amount) => new(json, amount, null);

    public static ResolvedArguments Failure(string error) => new(null, null, error);
}
