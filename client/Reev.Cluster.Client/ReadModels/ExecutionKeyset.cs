namespace Reev.Cluster.Client.ReadModels;

/// <summary>A position in the newest-first order of executions (created_at descending, then execution id descending).</summary>
public readonly record struct ExecutionKeyset(DateTimeOffset CreatedAt, string ExecutionId)
{
    /// <summary>True when <paramref name="row"/> comes after this position in the newest-first order.</summary>
    public bool Precedes(ExecutionSummary row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var byTime = row.CreatedAt.UtcTicks.CompareTo(CreatedAt.UtcTicks);
        return byTime < 0 || (byTime == 0 && string.CompareOrdinal(row.ExecutionId, ExecutionId) < 0);
    }
}
