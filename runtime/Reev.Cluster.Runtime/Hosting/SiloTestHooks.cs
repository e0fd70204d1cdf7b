namespace Reev.Cluster.Runtime;

/// <summary>Fault-injection points for failure tests (a paused silo, a stalled commit).</summary>
public sealed class SiloTestHooks
{
    /// <summary>Awaited before every commit transaction; a test blocks it to pause the silo's commits.</summary>
    public Func<CancellationToken, Task>? BeforeCommitAsync { get; set; }

    /// <summary>
    /// Awaited after the store answered a commit transaction, before the silo acts on the answer. A test throws from it to
    /// make a batch that committed look like one whose connection died at COMMIT: its outcome is unknown to the silo.
    /// </summary>
    public Func<CancellationToken, Task>? AfterCommitAsync { get; set; }

    /// <summary>Called after every commit transaction with its outcome and the number of turns it carried.</summary>
    public Action<CommitOutcome, int>? CommitCompleted { get; set; }

    /// <summary>While true, the silo sends no heartbeats (its lease runs out as if it were paused).</summary>
    public bool SuspendHeartbeats { get; set; }
}

/// <summary>What became of a commit transaction.</summary>
public enum CommitOutcome
{
    /// <summary>Every turn of the batch committed.</summary>
    Committed,

    /// <summary>Rejected by fencing: the silo no longer held a partition at the epoch its turns ran under.</summary>
    Fenced,

    /// <summary>Rejected because a turn's message had already been consumed (it ran elsewhere).</summary>
    Duplicate,

    /// <summary>The transaction failed (connection lost, server error); its turns run again.</summary>
    Failed,

    /// <summary>The store refused the batch's content: it is halved until the turn at fault fails alone.</summary>
    Rejected,
}
