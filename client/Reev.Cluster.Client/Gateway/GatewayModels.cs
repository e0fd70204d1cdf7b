using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Client.Gateway;

/// <summary>The 202 of a submission.</summary>
public sealed record GatewayAccepted(string ExecutionId, string Status, string Kind, string? BenchmarkId, string FlowId);

/// <summary>An execution as the gateway returns it (the fields a client acts on).</summary>
public sealed record GatewayExecution
{
    public required string ExecutionId { get; init; }

    public string BenchmarkId { get; init; } = string.Empty;

    public ExecutionStatus Status { get; init; }

    public bool IsFinal { get; init; }

    public bool Passed { get; init; }

    public double Progress { get; init; }

    public FlowScores? Score { get; init; }

    public IReadOnlyList<StepView> Steps { get; init; } = [];

    public IReadOnlyList<RecoveryAction> RecoveryActions { get; init; } = [];

    public PendingQuestion? Question { get; init; }

    public string? ErrorMessage { get; init; }

    public long Version { get; init; }

    public int? PollAfterSeconds { get; init; }
}

/// <summary>One row of <c>GET /api/v1/executions</c>.</summary>
public sealed record GatewayExecutionSummary(string ExecutionId, string FlowId, string Status, string Agent, double? Score, bool? Passed, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>A page of executions; <see cref="NextCursor"/> continues it.</summary>
public sealed record GatewayExecutionPage(IReadOnlyList<GatewayExecutionSummary> Items, int Limit, string? NextCursor);

/// <summary>One server-sent event of an execution (sequence = SSE id).</summary>
public sealed record GatewayEvent(long Sequence, string Type, DateTimeOffset At, int? Step, string Message, IReadOnlyDictionary<string, string>? Data);
