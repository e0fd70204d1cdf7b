namespace Reev.Cluster.Runtime.Storage;

/// <summary>Outcome of a batch commit. A rejected batch wrote nothing.</summary>
internal readonly record struct CommitResult(
    CommitStatus Status,
    IReadOnlyCollection<PartitionLease> LostLeases,
    IReadOnlyCollection<long> MissingMessages)
{
    public static CommitResult Committed() => new(CommitStatus.Committed, [], []);

    /// <summary>The leases of the fence that are not held any more: a partition held again at a newer epoch is not lost.</summary>
    public static CommitResult Fenced(IReadOnlyCollection<PartitionLease> lost) => new(CommitStatus.Fenced, lost, []);

    public static CommitResult Duplicate(IReadOnlyCollection<long> missing) => new(CommitStatus.Duplicate, [], missing);
}

internal enum CommitStatus
{
    Committed,

    /// <summary>The silo no longer holds some partitions at the batch's epochs (DESIGN R3).</summary>
    Fenced,

    /// <summary>Some consumed messages were already gone: their turns ran twice and must not commit.</summary>
    Duplicate,

    /// <summary>
    /// The store refused this turn's writes (<see cref="CommitRejectedException"/>; the reason is in
    /// <see cref="TurnCommit.RejectedError"/>): nothing committed, and the turn counts as a failed attempt.
    /// </summary>
    Rejected,

    /// <summary>
    /// Nothing of the attempt was written, for the database's reasons, not the message's: a commit rolled back by a
    /// passing condition (<see cref="CommitNotAppliedException"/>) or a state that could not be read. The message runs
    /// again after a pause, without counting an attempt.
    /// </summary>
    Retry,

    /// <summary>
    /// The commit ended without an answer (a connection lost at COMMIT, a defect in the commit path): it may or may not
    /// have committed. Its turns reload like duplicates; one that committed finds its message consumed (ADR 0013).
    /// </summary>
    Unknown,
}
