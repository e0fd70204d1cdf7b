using Reev.Cluster.Client.ReadModels;
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

    public FlowSource Source { get; init; }

    public string Agent { get; init; } = string.Empty;

    public AtomicMode AtomicMode { get; init; }

    public int Seed { get; init; }

    public IReadOnlyList<AccountView> Accounts { get; init; } = [];

    public ConsolidationView? Consolidation { get; init; }

    public string? CancelledBy { get; init; }

    public string? CancelReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public int EventCount { get; init; }

    /// <summary>True when nothing about the execution changes any more (final, and its consolidation over).</summary>
    public bool IsSettled => IsFinal && Consolidation?.Status is not (ConsolidationStatus.Pending or ConsolidationStatus.InProgress);
}

/// <summary>One row of <c>GET /api/v1/executions</c>.</summary>
public sealed record GatewayExecutionSummary(string ExecutionId, string FlowId, string Status, string Agent, double? Score, bool? Passed, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

/// <summary>A page of executions; <see cref="NextCursor"/> continues it.</summary>
public sealed record GatewayExecutionPage(IReadOnlyList<GatewayExecutionSummary> Items, int Limit, string? NextCursor);

/// <summary>The step sessions of an execution (<c>GET /api/v1/flows/{execution_id}/sessions</c>): one per step run, alternates apart.</summary>
public sealed record GatewaySessionList(string FlowId, IReadOnlyList<StepSessionSummary> Sessions);

/// <summary>One server-sent event of an execution (sequence = SSE id).</summary>
public sealed record GatewayEvent(long Sequence, string Type, DateTimeOffset At, int? Step, string Message, IReadOnlyDictionary<string, string>? Data);
