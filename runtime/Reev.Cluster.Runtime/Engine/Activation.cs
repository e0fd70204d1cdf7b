using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Engine;

/// <summary>One grain's activation on this silo: its instance, committed state and queue.</summary>
internal sealed class Activation(GrainId id, int partition, long epoch, GrainClassInfo classInfo)
{
    public GrainId Id { get; } = id;

    public int Partition { get; } = partition;

    public long Epoch { get; } = epoch;

    public GrainClassInfo ClassInfo { get; } = classInfo;

    public object Lock { get; } = new();

    /// <summary>Pending messages in id order; guarded by <see cref="Lock"/>.</summary>
    public Queue<StoredMessage> Queue { get; } = new();

    /// <summary>Whether a worker is processing the queue; guarded by <see cref="Lock"/>.</summary>
    public bool Running { get; set; }

    /// <summary>
    /// The head of <see cref="Queue"/> is in a turn (peeked, not yet dequeued); guarded by <see cref="Lock"/>. The worker
    /// accounts for that message itself, whatever happens to the queue meanwhile.
    /// </summary>
    public bool InTurn { get; set; }

    /// <summary>Removed from the directory; its queue must not be processed any more.</summary>
    public bool Retired { get; set; }

    public Grain? Instance { get; set; }

    public bool Loaded { get; set; }

    /// <summary>The last committed state as UTF-8 JSON: a turn that fails starts again from it.</summary>
    public byte[]? CommittedState { get; set; }

    /// <summary>Instead of <see cref="CommittedState"/>: the last committed state as a copy nobody changes (ADR 0016).</summary>
    public object? CommittedCopy { get; set; }

    /// <summary>With <see cref="SiloOptions.VerifyJson"/>: the JSON <see cref="CommittedCopy"/> had when committed.</summary>
    public byte[]? CommittedCopyJson { get; set; }

    public long StateVersion { get; set; }

    public long LastUsedTicks { get; set; }

    /// <summary>
    /// The source of the token the grain's code gets: one per activation, not per turn. It is not linked to the silo's
    /// stopping token (a link would stay registered there after the activation is gone); grain code that does not finish
    /// synchronously has it cancelled by the silo's stop for as long as it runs. Cancelled, and replaced, when that code
    /// is abandoned at its timeout; replaced only by whoever runs the activation's grain code (its worker, or the
    /// collector of a retired activation), never concurrently.
    /// </summary>
    public CancellationTokenSource TurnCancellation { get; private set; } = new();

    /// <summary>Gives the activation a fresh <see cref="TurnCancellation"/> and cancels the one the abandoned code holds.</summary>
    public void CancelAbandonedTurn()
    {
        var abandoned = TurnCancellation;
        TurnCancellation = new CancellationTokenSource();
        CancelInBackground(abandoned);
    }

    /// <summary>
    /// Cancels <paramref name="source"/>; its callbacks (the grain's) run on the thread pool, not on the caller (a worker
    /// whose next attempt must not wait for them, or the silo's stop), and a callback that throws is observed there.
    /// Not disposed: a source without a timer or a link holds nothing that needs it, and the abandoned code may still
    /// read its token.
    /// </summary>
    public static void CancelInBackground(CancellationTokenSource source) => ObserveFault(source.CancelAsync());

    /// <summary>Observes the failure of a task nobody awaits (grain code given up, callbacks run in the background).</summary>
    public static void ObserveFault(Task task) =>
        _ = task.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
}
