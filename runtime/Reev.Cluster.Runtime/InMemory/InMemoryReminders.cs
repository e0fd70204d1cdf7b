namespace Reev.Cluster.Runtime.InMemory;

/// <summary>
/// The in-memory reminder table: by grain and name, and by due time, so that firing looks only at due reminders
/// instead of scanning every registered one under the database lock at each reminder signal. Not thread-safe: the
/// database's lock guards it.
/// </summary>
internal sealed class InMemoryReminders
{
    private readonly Dictionary<(GrainId Grain, string Name), Entry> _byKey = [];
    private readonly SortedSet<(DateTimeOffset DueAt, long Sequence)> _byDue = [];
    private readonly Dictionary<long, (GrainId Grain, string Name)> _keyOf = [];
    private long _sequence;

    /// <summary>Registers or moves a reminder.</summary>
    public void Set(GrainId grain, string name, int partition, DateTimeOffset dueAt, TimeSpan? period)
    {
        Remove(grain, name);
        var sequence = ++_sequence;
        _byKey[(grain, name)] = new Entry(partition, dueAt, period, sequence);
        _byDue.Add((dueAt, sequence));
        _keyOf[sequence] = (grain, name);
    }

    public void Remove(GrainId grain, string name)
    {
        if (_byKey.Remove((grain, name), out var entry))
        {
            _byDue.Remove((entry.DueAt, entry.Sequence));
            _keyOf.Remove(entry.Sequence);
        }
    }

    /// <summary>Whether any reminder of any partition is due at <paramref name="now"/>.</summary>
    public bool AnyDue(DateTimeOffset now) => _byDue.Count > 0 && _byDue.Min.DueAt <= now;

    /// <summary>Reminders due at <paramref name="now"/> in the partitions <paramref name="owned"/> accepts, earliest first.</summary>
    public List<(GrainId Grain, string Name, Entry Entry)> Due(DateTimeOffset now, Func<int, bool> owned, int max)
    {
        var due = new List<(GrainId, string, Entry)>();
        foreach (var (dueAt, sequence) in _byDue)
        {
            if (dueAt > now || due.Count >= max)
            {
                break;
            }

            var (grain, name) = _keyOf[sequence];
            var entry = _byKey[(grain, name)];
            if (owned(entry.Partition))
            {
                due.Add((grain, name, entry));
            }
        }

        return due;
    }

    public readonly record struct Entry(int Partition, DateTimeOffset DueAt, TimeSpan? Period, long Sequence);
}
