using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Grains.Recovery;

public sealed class RecoveryState
{
    public long Attempts { get; set; }

    public long Successes { get; set; }

    public long Failures { get; set; }

    public Dictionary<string, long> RecoveriesByStrategy { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> FailuresByStrategy { get; set; } = new(StringComparer.Ordinal);

    public double TotalTimeSpentMs { get; set; }

    public List<PlaybookEntry> Playbook { get; set; } = [];

    /// <summary>User alternate-flow strategies, consulted before the playbook (absent in rows written before them).</summary>
    public List<RecoveryStrategy> Strategies { get; set; } = [];
}
