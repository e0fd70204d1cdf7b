using System.Text.Json.Serialization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Executions;

/// <summary>The persistent state of an execution grain.</summary>
public sealed class ExecutionState : IJsonOnDeserialized, ICopyableState<ExecutionState>
{
    [JsonIgnore]
    public ExecutionRequest? Request { get; set; }

    public ExecutionStatus Status { get; set; } = ExecutionStatus.Queued;

    /// <summary>The outcome decided when the steps ended, shown once consolidation is over.</summary>
    public ExecutionStatus? Outcome { get; set; }

    [JsonIgnore]
    public KeyMap? KeyMap { get; set; }

    [JsonIgnore]
    public LedgerSnapshot? InitialLedger { get; set; }

    /// <summary>
    /// True once <see cref="Request"/>, <see cref="KeyMap"/> and <see cref="InitialLedger"/> are stored on their own (an
    /// <see cref="ExecutionInputsRow"/> committed with the turn that started the execution): the stored state leaves them
    /// out, and the grain reads them back when it is activated from storage (ADR 0022). They are about 4 KB of the 6-10 KB
    /// this state was, and the state is rewritten at every turn.
    /// </summary>
    public bool InputsStored { get; set; }

    [JsonInclude]
    [JsonPropertyName("request")]
    private ExecutionRequest? StoredRequest
    {
        get => InputsStored ? null : Request;
        set => Request = value;
    }

    [JsonInclude]
    [JsonPropertyName("keyMap")]
    private KeyMap? StoredKeyMap
    {
        get => InputsStored ? null : KeyMap;
        set => KeyMap = value;
    }

    [JsonInclude]
    [JsonPropertyName("initialLedger")]
    private LedgerSnapshot? StoredInitialLedger
    {
        get => InputsStored ? null : InitialLedger;
        set => InitialLedger = value;
    }

    /// <summary>Puts back what <see cref="InputsStored"/> left out of the stored state.</summary>
    public void Restore(ExecutionInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        Request = inputs.Request;
        KeyMap = inputs.KeyMap;
        InitialLedger = inputs.InitialLedger;
        Ledger ??= InitialLedger;
    }

    /// <summary>The ledger after the steps so far; set together with <see cref="InitialLedger"/> when the flow starts.</summary>
    [JsonIgnore]
    public LedgerSnapshot? Ledger { get; set; }

    /// <summary>
    /// <see cref="Ledger"/> as stored: left out while it equals <see cref="InitialLedger"/> (a read-only flow, or before its
    /// first transaction), where it would be a second copy of 1-2 KB in every write of this state. States written before
    /// this carry it always, which reads the same.
    /// </summary>
    [JsonInclude]
    [JsonPropertyName("ledger")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    private LedgerSnapshot? StoredLedger
    {
        get => Ledger is not null && Ledger.Equals(InitialLedger) ? null : Ledger;
        set => Ledger = value;
    }

    public Dictionary<string, ulong> Received { get; set; } = new(StringComparer.Ordinal);

    public List<StepState> Steps { get; set; } = [];

    public int CurrentStep { get; set; }

    /// <summary>When the current wait began (a step sent, a recovery answer asked for, the consolidation started), for the watchdog.</summary>
    public DateTimeOffset? WaitingSince { get; set; }

    public List<RecoveryAction> Actions { get; set; } = [];

    /// <summary>Outcomes of alternates, handed to the consolidation's playbook phase.</summary>
    public List<PlaybookObservation> Observations { get; set; } = [];

    public List<ExecutionEvent> Events { get; set; } = [];

    public FlowScores? Score { get; set; }

    public bool Passed { get; set; }

    public PendingQuestion? Question { get; set; }

    public ConsolidationView? Consolidation { get; set; }

    public string? Error { get; set; }

    public string? CancelledBy { get; set; }

    public string? CancelReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public long Version { get; set; }

    void IJsonOnDeserialized.OnDeserialized() => Ledger ??= InitialLedger;

    /// <summary>The collections and the steps copied; the request, ledgers, outcomes and events are immutable records, shared.</summary>
    public ExecutionState DeepCopy()
    {
        var copy = (ExecutionState)MemberwiseClone();
        copy.Received = new Dictionary<string, ulong>(Received, Received.Comparer);
        copy.Steps = Steps.ConvertAll(static s => s.DeepCopy());
        copy.Actions = [.. Actions];
        copy.Observations = [.. Observations];
        copy.Events = [.. Events];
        return copy;
    }
}

/// <summary>What the execution knows of one of its steps.</summary>
public sealed class StepState
{
    public int Index { get; set; }

    public string Description { get; set; } = string.Empty;

    public bool Critical { get; set; } = true;

    public StepRunStatus Status { get; set; } = StepRunStatus.Pending;

    public List<string> Tools { get; set; } = [];

    public int Attempts { get; set; }

    public int Retries { get; set; }

    public string? Error { get; set; }

    public string? ErrorKind { get; set; }

    public string? Hint { get; set; }

    public double? Score { get; set; }

    public double DurationMs { get; set; }

    public AlternateKind Alternate { get; set; }

    /// <summary>
    /// Questions asked to the user about this step so far. Bounded: a default answer of Retry on a step that keeps
    /// failing would otherwise ask for ever.
    /// </summary>
    public int Questions { get; set; }

    /// <summary>Alternates started for this step so far (numbers the alternate grains).</summary>
    public int AlternateCount { get; set; }

    /// <summary>Alternates still to try, best first; null until the recovery grain answered.</summary>
    public List<AlternateKind>? PendingAlternates { get; set; }

    public List<AlternateKind> TriedAlternates { get; set; } = [];

    /// <summary>The error kind that triggered the alternates (for the playbook).</summary>
    public string? AlternateTrigger { get; set; }

    public string? SessionKey { get; set; }

    public List<string> SessionKeys { get; set; } = [];

    /// <summary>The outcome of the attempt that decided the step (for scoring and the ledger).</summary>
    public StepOutcome? Outcome { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>The transactions the step's failed sessions made, for the next session to replay (ADR 0012).</summary>
    public Flows.Tools.ToolJournal? Journal { get; set; }

    internal StepState DeepCopy()
    {
        var copy = (StepState)MemberwiseClone();
        copy.Tools = [.. Tools];
        copy.PendingAlternates = PendingAlternates is null ? null : [.. PendingAlternates];
        copy.TriedAlternates = [.. TriedAlternates];
        copy.SessionKeys = [.. SessionKeys];
        return copy;
    }
}
