namespace Reev.Cluster.GrainInterfaces;

/// <summary>A recovery event counted by the recovery grain.</summary>
public sealed record RecoveryEvent(string Strategy, bool Succeeded, double TimeSpentMs, string? ErrorKind);

/// <summary>The cluster's real recovery counters.</summary>
public sealed record RecoveryMetrics
{
    public long Attempts { get; init; }

    public long Successes { get; init; }

    public long Failures { get; init; }

    public IReadOnlyDictionary<string, long> RecoveriesByStrategy { get; init; } = new Dictionary<string, long>();

    public IReadOnlyDictionary<string, long> FailuresByStrategy { get; init; } = new Dictionary<string, long>();

    public double TotalTimeSpentMs { get; init; }

    /// <summary>Per error kind and alternate: observed successes and tries (the playbook).</summary>
    public IReadOnlyList<PlaybookEntry> Playbook { get; init; } = [];
}

public sealed record PlaybookEntry(string ErrorKind, AlternateKind Alternate, long Tries, long Successes)
{
    public double SuccessRate => Tries == 0 ? 0 : (double)Successes / Tries;
}

/// <summary>An execution asks which alternates to try for an error, in which order.</summary>
public sealed record AlternateQuery(string ExecutionId, int Step, string ErrorKind, IReadOnlyList<AlternateKind> Candidates)
{
    /// <summary>The failed step's error message (user strategies match it as well as the kind).</summary>
    public string? Error { get; init; }

    /// <summary>The tools the failed step called (for strategies with a tool filter).</summary>
    public IReadOnlyList<string>? Tools { get; init; }
}

/// <summary>Outcomes of alternates, fed back into the playbook by consolidations.</summary>
public sealed record PlaybookUpdate(string ExecutionId, IReadOnlyList<PlaybookObservation> Observations);

public sealed record PlaybookObservation(string ErrorKind, AlternateKind Alternate, bool Succeeded);
