using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Consolidation;

/// <summary>The persistent state of a consolidation.</summary>
public sealed class ConsolidationState : ICopyableState<ConsolidationState>
{
    public ConsolidationCommand? Command { get; set; }

    public ConsolidationStatus Status { get; set; } = ConsolidationStatus.Pending;

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? DeadlineAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public List<string> PhasesCompleted { get; set; } = [];

    public Dictionary<string, double> PhaseDurationsMs { get; set; } = [];

    public string? ConsolidatedSessionId { get; set; }

    public string? ConsolidatedContent { get; set; }

    public double AvgScore { get; set; }

    public double SuccessRate { get; set; }

    public int TotalTools { get; set; }

    public string? Error { get; set; }

    /// <summary>The two collections copied; the command is an immutable record, shared.</summary>
    public ConsolidationState DeepCopy()
    {
        var copy = (ConsolidationState)MemberwiseClone();
        copy.PhasesCompleted = [.. PhasesCompleted];
        copy.PhaseDurationsMs = new Dictionary<string, double>(PhaseDurationsMs, PhaseDurationsMs.Comparer);
        return copy;
    }
}
