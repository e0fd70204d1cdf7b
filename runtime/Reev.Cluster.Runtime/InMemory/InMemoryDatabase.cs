using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.InMemory;

/// <summary>The tables of the in-memory provider; every access holds <see cref="Lock"/>.</summary>
internal sealed class InMemoryDatabase
{
    public object Lock { get; } = new();

    public int PartitionCount { get; set; }

    public (string? Owner, long Epoch)[] Partitions { get; set; } = [];

    /// <summary>
    /// Partitions without an owner released by a heartbeat that took their silo id over from an incarnation whose lease ran
    /// out (PostgreSQL: <c>reev_partitions.orphaned</c>, migration 010): the next claim counts them as taken from an expired owner.
    /// </summary>
    public HashSet<int> Orphaned { get; } = [];

    public Dictionary<string, (DateTimeOffset LeaseExpiresAt, bool Left, Guid Incarnation)> Silos { get; } = new(StringComparer.Ordinal);

    public MessageTable Messages { get; } = new();

    public long NextMessageId { get; set; } = 1;

    /// <summary>Grain states, as values in the table (no wrapper object per grain for the collector to keep).</summary>
    public Dictionary<GrainId, StateEntry> States { get; } = [];

    public InMemoryReminders Reminders { get; } = new();

    /// <summary>Replies to remote clients' asks, by client id, with the time each was stored (orphans are purged by age).</summary>
    public Dictionary<string, List<(Guid RequestId, string? Payload, string? Error, DateTimeOffset StoredAt)>> Replies { get; } = new(StringComparer.Ordinal);

    public List<DeadLetter> DeadLetters { get; } = [];

    /// <summary>Read-model rows written by projections, by table name then key.</summary>
    public Dictionary<string, Dictionary<string, object>> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>How many committed turns wrote each read-model row, by table name then key: an append-only count
    /// next to rows that are replaced, so that a turn committed twice shows.</summary>
    public Dictionary<string, Dictionary<string, int>> RowWrites { get; } = new(StringComparer.Ordinal);

    public List<Action<WakeSignal>> Subscribers { get; } = [];
}

/// <summary>A grain's stored state: its JSON, or in this process its copy (ADR 0016), and its version.</summary>
internal readonly record struct StateEntry(byte[]? Utf8, long Version, object? Copy)
{
    public StoredState ToStored() => new(Utf8, Version) { Copy = Copy };
}
