namespace Reev.Cluster.Client.ReadModels;

/// <summary>An execution as the executions read model lists it (status is snake_case: <c>awaiting_user</c>).</summary>
public sealed record ExecutionSummary
{
    public required string ExecutionId { get; init; }

    public required string FlowId { get; init; }

    public string Source { get; init; } = string.Empty;

    public string Agent { get; init; } = string.Empty;

    public string AtomicMode { get; init; } = string.Empty;

    public string Status { get; init; } = string.Empty;

    public double? Score { get; init; }

    public double? InstructionScore { get; init; }

    public double? OnChainScore { get; init; }

    public double? AssertionScore { get; init; }

    public bool? Passed { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public long Version { get; init; }

    /// <summary>Its position in the newest-first order.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ExecutionKeyset Keyset => new(CreatedAt, ExecutionId);
}
