using System.Text.Json.Serialization;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.GrainInterfaces;

/// <summary>What a step grain runs: the attempt's request plus how to recover and whom to report to.</summary>
[Immutable]
public sealed record StepCommand
{
    public required string ExecutionId { get; init; }

    /// <summary>
    /// The request of the first attempt (later attempts get their number and the ledger of the last attempt). When
    /// <see cref="InputsStored"/>, its JSON leaves out the flow document and the key map, and a command read from JSON
    /// has them null until the step grain puts its execution's stored inputs back.
    /// </summary>
    [JsonIgnore]
    public StepRequest Request { get; init; } = null!;

    /// <summary>
    /// True when the execution stored its inputs once (ADR 0022): the document and key map are not written into the
    /// message and the step's state again (2.5-3 KB of each Run).
    /// </summary>
    public bool InputsStored { get; init; }

    [JsonInclude]
    [JsonPropertyName("request")]
    private StepRequest StoredRequest
    {
        get => InputsStored && Request is { Document: not null } ? Request with { Document = null!, KeyMap = null! } : Request;
        init => Request = value;
    }

    public AlternateKind Alternate { get; init; }

    /// <summary>0 for the planned step, 1.. for alternates, counting per step.</summary>
    public int AlternateNumber { get; init; }

    public required RecoveryConfig Recovery { get; init; }

    public int TimeoutMs { get; init; } = 60000;

    /// <summary>Attempts already spent on this step by earlier grains (a user's retry continues the count).</summary>
    public int PriorAttempts { get; init; }

    /// <summary>The transactions earlier sessions of this step already made: replayed, not made again (ADR 0012).</summary>
    public Flows.Tools.ToolJournal? Journal { get; init; }
}

/// <summary>A step grain's final word to its execution.</summary>
[Immutable]
public sealed record StepReport
{
    public required string ExecutionId { get; init; }

    public required string StepKey { get; init; }

    public int Index { get; init; }

    public AlternateKind Alternate { get; init; }

    public int AlternateNumber { get; init; }

    /// <summary>Succeeded, Failed or Cancelled.</summary>
    public StepRunStatus Status { get; init; }

    public int Attempts { get; init; }

    /// <summary>The last attempt's outcome (ledger after it, tool calls, transactions, score); null when none ran.</summary>
    public StepOutcome? Outcome { get; init; }

    public string? Error { get; init; }

    public string? ErrorKind { get; init; }

    public bool Retryable { get; init; }

    /// <summary>The recovery the error points to (the flow library's hint).</summary>
    public string? Hint { get; init; }

    public double DurationMs { get; init; }

    /// <summary>Retries taken: in-turn and by reminder.</summary>
    public int Retries { get; init; }

    /// <summary>For a step that did not succeed: the transactions it made anyway, which a re-run must not make again.</summary>
    public Flows.Tools.ToolJournal? Journal { get; init; }
}

/// <summary>The stored session of a step: every attempt with its tool calls, results, errors and timings.</summary>
public sealed class StepSession : ICopyableState<StepSession>
{
    public string ExecutionId { get; set; } = string.Empty;

    public string StepKey { get; set; } = string.Empty;

    public int Index { get; set; }

    public AlternateKind Alternate { get; set; }

    public StepRunStatus Status { get; set; } = StepRunStatus.Pending;

    /// <summary>What the step was sent; null before its Run and again once it has finished (its execution keeps the
    /// flow document and the ledgers, and a finished step is never run again).</summary>
    public StepCommand? Command { get; set; }

    /// <summary>Attempts spent on this step by earlier grains (the command's, kept when the command is let go).</summary>
    public int PriorAttempts { get; set; }

    public List<StepOutcome> Attempts { get; set; } = [];

    public int Retries { get; set; }

    /// <summary>Retries scheduled as reminders (backoff), a subset of <see cref="Retries"/>.</summary>
    public int ReminderRetries { get; set; }

    public DateTimeOffset? FirstAttemptAt { get; set; }

    public DateTimeOffset? NextRetryAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? CancelReason { get; set; }

    public bool Reported { get; set; }

    /// <summary>How many times this session was published to the step-sessions read model; the row carries it, and
    /// the row's count of commits equals it unless a turn was committed twice.</summary>
    public int Revision { get; set; }

    /// <summary>The attempts' list copied; the command and the outcomes are immutable records, shared.</summary>
    public StepSession DeepCopy()
    {
        var copy = (StepSession)MemberwiseClone();
        copy.Attempts = [.. Attempts];
        return copy;
    }
}
