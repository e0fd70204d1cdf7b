namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// A position in the inbox in commit order. On PostgreSQL, <see cref="Tx"/> is the inserting
/// transaction's id: a fetch returns only rows of transactions older than every transaction still
/// running, so no row can appear later below the cursor (see ADR 0002). In memory, inserts commit
/// under one lock and <see cref="Id"/> alone orders them.
/// </summary>
internal readonly record struct FetchCursor(long Tx, long Id)
{
    public static readonly FetchCursor Start = new(0, 0);

    /// <summary>True when this cursor is further along than <paramref name="other"/>.</summary>
    public bool IsAfter(FetchCursor other) => Tx > other.Tx || (Tx == other.Tx && Id > other.Id);
}

/// <summary>Rows after a cursor, in commit order, and the cursor to continue from.</summary>
internal sealed record FetchPage(IReadOnlyList<StoredMessage> Rows, FetchCursor Next);
