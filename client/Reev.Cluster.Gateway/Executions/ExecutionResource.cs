using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>An execution over HTTP: the reference's status fields (benchmark_id, agent, status, progress, error_message) plus steps, scores and recovery.</summary>
internal sealed record ExecutionResource
{
    public required string ExecutionId { get; init; }

    public required string BenchmarkId { get; init; }

    public ExecutionStatus Status { get; init; }

    public FlowSource Source { get; init; }

    public string Agent { get; init; } = string.Empty;

    public AtomicMode AtomicMode { get; init; }

    public int Seed { get; init; }

    public bool IsFinal { get; init; }

    public bool Passed { get; init; }

    /// <summary>Steps that ended (any outcome) over all steps, 0-1.</summary>
    public double Progress { get; init; }

    public FlowScores? Score { get; init; }

    public IReadOnlyList<StepView> Steps { get; init; } = [];

    public IReadOnlyList<RecoveryAction> RecoveryActions { get; init; } = [];

    public ConsolidationView? Consolidation { get; init; }

    public PendingQuestion? Question { get; init; }

    public IReadOnlyList<AccountView> Accounts { get; init; } = [];

    public string? ErrorMessage { get; init; }

    public string? CancelledBy { get; init; }

    public string? CancelReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long Version { get; init; }

    public int EventCount { get; init; }

    /// <summary>Seconds to wait before polling again while running (also the Retry-After header): 2 for one step, 5 for more.</summary>
    public int? PollAfterSeconds { get; init; }

    public required ExecutionLinks Links { get; init; }

    public static ExecutionResource From(ExecutionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var ended = view.Steps.Count(static s => s.Status is StepRunStatus.Succeeded or StepRunStatus.Failed or StepRunStatus.Skipped or StepRunStatus.Recovered or StepRunStatus.Cancelled);
        return new ExecutionResource
        {
            ExecutionId = view.ExecutionId,
            BenchmarkId = view.FlowId,
            Status = view.Status,
            Source = view.Source,
            Agent = view.Agent,
            AtomicMode = view.AtomicMode,
            Seed = view.Seed,
            IsFinal = view.IsFinal,
            Passed = view.Passed,
            Progress = view.Steps.Count == 0 ? 0 : Math.Round((double)ended / view.Steps.Count, 4),
            Score = view.Score,
            Steps = view.Steps,
            RecoveryActions = view.RecoveryActions,
            Consolidation = view.Consolidation,
            Question = view.Question,
            Accounts = view.Accounts,
            ErrorMessage = view.Error,
            CancelledBy = view.CancelledBy,
            CancelReason = view.CancelReason,
            CreatedAt = view.CreatedAt,
            UpdatedAt = view.UpdatedAt,
            FinishedAt = view.FinishedAt,
            Version = view.Version,
            EventCount = view.EventCount,
            PollAfterSeconds = PollAfter(view),
            Links = ExecutionSubmitter.Links(view.ExecutionId),
        };
    }

    /// <summary>The recommended poll interval: 1-2 s for a single step, 5 s for multi-step flows; none once final.</summary>
    public static int? PollAfter(ExecutionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.IsFinal ? null : view.Steps.Count <= 1 ? 2 : 5;
    }

    /// <summary>True when nothing about the execution changes any more (final and consolidated).</summary>
    public static bool IsSettled(ExecutionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return view.IsFinal && view.Consolidation?.Status is not (ConsolidationStatus.Pending or ConsolidationStatus.InProgress);
    }
}
