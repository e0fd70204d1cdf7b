namespace Reev.Cluster.Client.ReadModels;

/// <summary>A consolidated session with the reference's fields (one per execution).</summary>
public sealed record ConsolidatedSessionSummary
{
    public required string ExecutionId { get; init; }

    public required string ConsolidatedSessionId { get; init; }

    public string Status { get; init; } = string.Empty;

    public string ConsolidatedContent { get; init; } = string.Empty;

    public IReadOnlyList<string> OriginalSessionIds { get; init; } = [];

    public double AvgScore { get; init; }

    public int TotalTools { get; init; }

    public double SuccessRate { get; init; }

    public double ExecutionDurationMs { get; init; }

    public IReadOnlyList<string> PhasesCompleted { get; init; } = [];

    public string? Error { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }
}
