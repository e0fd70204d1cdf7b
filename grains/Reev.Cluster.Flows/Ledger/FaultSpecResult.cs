using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>A parsed <see cref="FaultSpec"/>, or the reason it does not parse.</summary>
public readonly record struct FaultSpecResult
{
    private FaultSpecResult(FaultSpec? spec, string? error)
    {
        Spec = spec;
        Error = error;
    }

    public FaultSpec? Spec { get; }

    public string? Error { get; }

    [MemberNotNullWhen(true, nameof(Spec))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static FaultSpecResult Success(FaultSpec spec) => new(spec, null);

    public static FaultSpecResult Failure(string error) => new(null, error);
}
