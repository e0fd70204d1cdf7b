using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Flows.FlowFiles;

namespace Reev.Cluster.Flows.Running;

/// <summary>A flow's run report, or the error that kept it from starting (missing placeholder, …).</summary>
public readonly record struct FlowRunResult
{
    private FlowRunResult(FlowRunReport? report, FlowFileError? error)
    {
        Report = report;
        Error = error;
    }

    public FlowRunReport? Report { get; }

    public FlowFileError? Error { get; }

    [MemberNotNullWhen(true, nameof(Report))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static FlowRunResult Success(FlowRunReport report) => new(report, null);

    public static FlowRunResult Failure(FlowFileError error) => new(null, error);
}
