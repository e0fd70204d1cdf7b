using Reev.Cluster.Runtime;

namespace Reev.Cluster.GrainInterfaces;

/// <summary>The summary of one step session handed to the consolidation.</summary>
[Immutable]
public sealed record SessionSummary(
    string SessionId,
    int Index,
    AlternateKind Alternate,
    StepRunStatus Status,
    IReadOnlyList<string> Tools,
    double Score,
    double DurationMs,
    string? Error,
    string Prompt);

/// <summary>Starts the consolidation of a finished execution.</summary>
[Immutable]
public sealed record ConsolidationCommand(
    string ExecutionId,
    string FlowId,
    ExecutionStatus Outcome,
    IReadOnlyList<SessionSummary> Sessions,
    IReadOnlyList<RecoveryAction> RecoveryActions,
    IReadOnlyList<PlaybookObservation> Observations,
    int TimeoutMs,
    double ExecutionDurationMs);

/// <summary>A consolidation as seen from outside (the reference's consolidated session fields and phases).</summary>
[Immutable]
public sealed record ConsolidationView
{
    public required string ExecutionId { get; init; }

    public ConsolidationStatus Status { get; init; }

    public string? ConsolidatedSessionId { get; init; }

    public string? ConsolidatedContent { get; init; }

    public IReadOnlyList<string> OriginalSessionIds { get; init; } = [];

    public double AvgScore { get; init; }

    public double SuccessRate { get; init; }

    public int TotalTools { get; init; }

    public double ExecutionDurationMs { get; init; }

    public IReadOnlyList<string> PhasesCompleted { get; init; } = [];

    public IReadOnlyDictionary<string, double> PhaseDurationsMs { get; init; } = new Dictionary<string, double>();

    public double DurationMs { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }
}
