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

    public long StateVersion { get; set; }

    public long LastUsedTicks { get; set; }
}
