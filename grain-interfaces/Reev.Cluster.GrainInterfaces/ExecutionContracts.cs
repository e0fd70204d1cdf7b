using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.GrainInterfaces;

/// <summary>A flow submitted for execution. Validated by <see cref="Validate"/> before anything runs.</summary>
[Immutable]
public sealed record ExecutionRequest
{
    public required FlowDocument Document { get; init; }

    public FlowSource Source { get; init; } = FlowSource.File;

    /// <summary>The prompt a planned flow came from, if any.</summary>
    public string? OriginalPrompt { get; init; }

    public string Agent { get; init; } = "deterministic";

    public AtomicMode AtomicMode { get; init; } = AtomicMode.Conditional;

    public RecoveryConfig Recovery { get; init; } = RecoveryConfig.Default;

    public int Seed { get; init; }

    /// <summary>Faults to inject (the flow library's fault grammar), or null.</summary>
    public string? FaultSpec { get; init; }

    /// <summary>How long the consolidation may take before it ends as timed out.</summary>
    public int ConsolidationTimeoutMs { get; init; } = 60000;

    /// <summary>Default step timeout when the flow gives none.</summary>
    public int DefaultStepTimeoutMs { get; init; } = 60000;

    /// <summary>Who submitted it (API key name, "cli").</summary>
    public string? SubmittedBy { get; init; }

    /// <summary>
    /// What the request that created it looked like, as "kind:hash of the body" (the gateway's, for requests with an
    /// Idempotency-Key): a retry with the same key and body replays the 202, the same key with another request is a 409.
    /// </summary>
    public string? Fingerprint { get; init; }

    /// <summary>The problems of this request, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate(IReadOnlyCollection<string> knownAgents)
    {
        ArgumentNullException.ThrowIfNull(knownAgents);
        var problems = new List<string>(Recovery.Validate());
        if (!knownAgents.Contains(Agent, StringComparer.Ordinal))
        {
            problems.Add($"agent: unknown agent '{Agent}' (known: {string.Join(", ", knownAgents.Order(StringComparer.Ordinal))}).");
        }

        if (!Enum.IsDefined(AtomicMode))
        {
            problems.Add($"atomic_mode: '{(int)AtomicMode}' is not strict, conditional or lenient.");
        }

        if (ConsolidationTimeoutMs <= 0)
        {
            problems.Add($"consolidation_timeout_ms must be positive (got {ConsolidationTimeoutMs}).");
        }

        if (DefaultStepTimeoutMs <= 0)
        {
            problems.Add($"default_step_timeout_ms must be positive (got {DefaultStepTimeoutMs}).");
        }

        for (var i = 0; i < Document.Flow.Count; i++)
        {
            var step = Document.Flow[i];
            if (step.TimeoutSeconds is { } t && t <= 0)
            {
                problems.Add($"flow[{i}].timeout: must be positive (got {t}).");
            }
        }

        return problems;
    }
}

/// <summary>What an execution looks like from outside: status, steps, scores, events.</summary>
public sealed record ExecutionView
{
    public required string ExecutionId { get; init; }

    /// <summary>The creating request's <see cref="ExecutionRequest.Fingerprint"/>, if any.</summary>
    public string? Fingerprint { get; init; }

    public required string FlowId { get; init; }

    public ExecutionStatus Status { get; init; }

    public FlowSource Source { get; init; }

    public string Agent { get; init; } = string.Empty;

    public AtomicMode AtomicMode { get; init; }

    public int Seed { get; init; }

    public bool Passed { get; init; }

    public FlowScores? Score { get; init; }

    public IReadOnlyList<StepView> Steps { get; init; } = [];

    public IReadOnlyList<AccountView> Accounts { get; init; } = [];

    public IReadOnlyList<RecoveryAction> RecoveryActions { get; init; } = [];

    public ConsolidationView? Consolidation { get; init; }

    /// <summary>Open questions while the execution awaits its user.</summary>
    public PendingQuestion? Question { get; init; }

    public string? Error { get; init; }

    public string? CancelledBy { get; init; }

    public string? CancelReason { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Increases with every change (for ETags and event resumption).</summary>
    public long Version { get; init; }

    /// <summary>Number of events recorded so far (read them with <see cref="IExecutionGrain.ReadEventsAsync"/>).</summary>
    public int EventCount { get; init; }

    /// <summary>True once nothing about the execution will change any more.</summary>
    public bool IsFinal => Status is ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled;
}

/// <summary>The score components of a flow, all on a 0-1 scale.</summary>
public sealed record FlowScores(double Instruction, double OnChain, double Assertion, double Final, double FlowScore, double PassThreshold)
{
    public static FlowScores From(ScoreReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new FlowScores(report.InstructionScore, report.OnChainScore, report.Assertions.Score, report.FinalScore, report.FlowScore, report.PassThreshold);
    }
}

public sealed record StepView(
    int Index,
    string Description,
    bool Critical,
    StepRunStatus Status,
    IReadOnlyList<string> Tools,
    int Attempts,
    string? Error,
    string? ErrorKind,
    double? Score,
    double DurationMs,
    AlternateKind Alternate,
    string? SessionKey);

/// <summary>A placeholder of the flow and where it ended.</summary>
public sealed record AccountView(string Placeholder, string Address, ulong Lamports, string? Mint, ulong? Amount, ulong InitialLamports, ulong? InitialAmount);

/// <summary>A recovery decision taken by the execution or a step.</summary>
public sealed record RecoveryAction(int Step, string Strategy, string Detail, bool? Succeeded, DateTimeOffset At)
{
    /// <summary>The user strategy (<c>POST /api/v1/recovery/strategies</c>) that chose this alternate; null for the playbook's own choices.</summary>
    public string? RuleId { get; init; }
}

/// <summary>Questions of an execution waiting for its user.</summary>
public sealed record PendingQuestion(int Step, string Error, IReadOnlyList<FulfillmentAnswer> Options, FulfillmentAnswer DefaultAnswer, DateTimeOffset DeadlineAt)
{
    /// <summary>
    /// The sequence of the <c>awaiting_user</c> event that asked it: names this question, so that an answer meant for
    /// an earlier one (late, or sent twice) is not applied to it. 0 in states written before it was kept.
    /// </summary>
    public long Sequence { get; init; }
}

/// <summary>One state change of an execution, numbered from 1 in order.</summary>
public sealed record ExecutionEvent(long Sequence, string Type, DateTimeOffset At, int? Step, string Message, IReadOnlyDictionary<string, string>? Data = null);

/// <summary>A request to cancel, with who and why.</summary>
[Immutable]
public sealed record CancelRequest(string By, string Reason);
