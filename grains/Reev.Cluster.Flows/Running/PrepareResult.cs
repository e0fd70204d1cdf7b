using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Flows.FlowFiles;

namespace Reev.Cluster.Flows.Running;

/// <summary>A prepared flow, or an error naming the field (missing placeholder, unknown mint, …).</summary>
public readonly record struct PrepareResult
{
    private PrepareResult(PreparedFlow? flow, FlowFileError? error)
    {
        Flow = flow;
        Error = error;
    }

    public PreparedFlow? Flow { get; }

    public FlowFileError? Error { get; }

    [MemberNotNullWhen(true, nameof(Flow))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static PrepareResult Success(PreparedFlow flow) => new(flow, null);

    public static PrepareResult Failure(FlowFileError error) => new(null, error);
}
