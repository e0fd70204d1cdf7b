namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// Everything one turn (or one failed attempt) writes; committed in one fenced transaction
/// together with the other turns of its batch.
/// </summary>
internal sealed class TurnCommit
{
    public required GrainId Grain { get; init; }

    public required int Partition { get; init; }

    public required long Epoch { get; init; }

    /// <summary>The consumed message's id (0 for none).</summary>
    public long MessageId { get; init; }

    /// <summary>New state as UTF-8 JSON, written at <see cref="StateVersion"/> (previous + 1).</summary>
    public byte[]? StateUtf8 { get; init; }

    /// <summary>New state as a copy (<see cref="ICopyableState{TState}"/>), for a store that keeps copies instead of JSON.</summary>
    public object? StateCopy { get; init; }

    /// <summary>With <see cref="SiloOptions.VerifyJson"/>: the JSON the copy had when it was made (never stored).</summary>
    public byte[]? StateCopyJson { get; init; }

    /// <summary>Whether the turn writes its state (as JSON or as a copy).</summary>
    public bool WritesState => StateUtf8 is not null || StateCopy is not null;

    public long StateVersion { get; init; }

    public List<OutboundMessage> Sends { get; } = [];

    public List<ReminderChange> Reminders { get; } = [];

    public ReplyRecord? Reply { get; set; }

    public List<object> Projections { get; } = [];

    /// <summary>Set for a failed attempt: the message stays, its attempt count and error are updated.</summary>
    public string? FailedAttemptError { get; init; }

    /// <summary>Set to move the message to the dead-letter table instead of consuming it.</summary>
    public string? DeadLetterError { get; init; }

    public int Attempts { get; init; }

    /// <summary>Why the store refused this turn's writes, when its commit ended <see cref="CommitStatus.Rejected"/>.</summary>
    public string? RejectedError { get; set; }

    /// <summary>Ids assigned to <see cref="Sends"/>, in order, once committed.</summary>
    public long[] SentIds { get; set; } = [];
}
