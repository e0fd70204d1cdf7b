using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.ReadModels;

/// <summary>An execution as listed by status and time (table reev_executions).</summary>
public sealed record ExecutionRow : IReadModelRow
{
    public const string TableName = "executions";

    public string Table => TableName;

    public string Key => ExecutionId;

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
}

/// <summary>
/// What an execution was started with (table reev_execution_inputs): written once, in the turn that starts it, and read
/// back when its grain is activated from storage; its state then leaves these out (ADR 0022).
/// </summary>
public sealed record ExecutionInputsRow : IReadModelRow
{
    public const string TableName = "execution_inputs";

    public string Table => TableName;

    public string Key => ExecutionId;

    public required string ExecutionId { get; init; }

    public required Executions.ExecutionInputs Inputs { get; init; }
}

/// <summary>A step session (table reev_step_sessions).</summary>
public sealed record StepSessionRow : IReadModelRow
{
    public const string TableName = "step_sessions";

    public string Table => TableName;

    public string Key => SessionId;

    public required string SessionId { get; init; }

    public required string ExecutionId { get; init; }

    public int StepIndex { get; init; }

    public string Alternate { get; init; } = string.Empty;

    public int Attempt { get; init; }

    public string Status { get; init; } = string.Empty;

    public int ToolCount { get; init; }

    public double Score { get; init; }

    public double DurationMs { get; init; }

    public string Prompt { get; init; } = string.Empty;

    public string? Error { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The session's publication number (<see cref="GrainInterfaces.StepSession.Revision"/>); the table
    /// also counts the commits that wrote the row (<c>commits</c>), which is larger only if a turn committed twice.</summary>
    public int Revision { get; init; }
}

/// <summary>A consolidated session with the reference's fields (table reev_consolidated_sessions).</summary>
public sealed record ConsolidatedSessionRow : IReadModelRow
{
    public const string TableName = "consolidated_sessions";

    public string Table => TableName;

    public string Key => ExecutionId;

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
