namespace Reev.Cluster.Flows.Running;

/// <summary>Outcome of a step attempt.</summary>
public enum StepStatus
{
    /// <summary>The agent acted and every transaction succeeded.</summary>
    Succeeded = 0,

    /// <summary>A tool or transaction failed, or the agent did nothing; see <see cref="StepOutcome.Error"/>.</summary>
    Failed = 1,
}
