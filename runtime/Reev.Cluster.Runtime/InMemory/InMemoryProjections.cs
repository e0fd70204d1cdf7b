namespace Reev.Cluster.Runtime.InMemory;

/// <summary>Applies read-model rows (projections) to the in-memory tables.</summary>
internal static class InMemoryProjections
{
    public static void Apply(InMemoryDatabase db, object projection)
    {
        if (projection is not IReadModelRow row)
        {
            throw new InvalidOperationException($"{projection.GetType().Name} is not a read-model row (IReadModelRow).");
        }

        if (!db.Tables.TryGetValue(row.Table, out var table))
        {
            db.Tables[row.Table] = table = new Dictionary<string, object>(StringComparer.Ordinal);
        }

        table[row.Key] = row;
        if (!db.RowWrites.TryGetValue(row.Table, out var writes))
        {
            db.RowWrites[row.Table] = writes = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        writes[row.Key] = writes.GetValueOrDefault(row.Key) + 1;
    }
}
