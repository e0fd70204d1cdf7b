using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.InMemory;

/// <summary>
/// The embedded default: the cluster's durable state kept in this process's memory. Silos created
/// from one provider share its data, so a silo restarted on the same provider finds its grains'
/// state, reminders and pending messages again (DESIGN R9).
/// </summary>
public sealed class InMemoryClusterProvider : ClusterProvider
{
    private readonly InMemoryDatabase _database = new();

    internal InMemoryDatabase Database => _database;

    /// <summary>
    /// The read-model rows of a table (what the PostgreSQL provider keeps in indexed tables), for
    /// queries of an embedded gateway or CLI. Rows are immutable records, returned as a snapshot.
    /// </summary>
    public IReadOnlyList<TRow> ReadRows<TRow>(string table)
        where TRow : IReadModelRow
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        lock (_database.Lock)
        {
            return _database.Tables.TryGetValue(table, out var rows) ? rows.Values.OfType<TRow>().ToList() : [];
        }
    }

    /// <summary>One read-model row by key, or null.</summary>
    public TRow? ReadRow<TRow>(string table, string key)
        where TRow : class, IReadModelRow
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        lock (_database.Lock)
        {
            return _database.Tables.TryGetValue(table, out var rows) && rows.TryGetValue(key, out var row) ? row as TRow : null;
        }
    }

    /// <summary>The read-model rows of <paramref name="keys"/> that exist, read under one lock (a poll of many keys).</summary>
    public IReadOnlyList<TRow> ReadRows<TRow>(string table, IEnumerable<string> keys)
        where TRow : class, IReadModelRow
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(keys);
        var found = new List<TRow>();
        lock (_database.Lock)
        {
            if (_database.Tables.TryGetValue(table, out var rows))
            {
                foreach (var key in keys)
                {
                    if (rows.TryGetValue(key, out var row) && row is TRow typed)
                    {
                        found.Add(typed);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>
    /// How many committed turns wrote a read-model row (0 for none): a row is replaced at each write, this count
    /// only grows. A grain that numbers its writes of a row can compare the two to see a turn committed twice.
    /// </summary>
    public int RowWrites(string table, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(table);
        lock (_database.Lock)
        {
            return _database.RowWrites.TryGetValue(table, out var rows) ? rows.GetValueOrDefault(key) : 0;
        }
    }

    internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        new InMemoryRuntimeStore(_database, partitionCount, timeProvider);
}
