namespace Reev.Cluster.Planning.Bridge;

/// <summary>How a planned flow reaches the runner (REFERENCE §4).</summary>
public enum PlanningMode
{
    /// <summary>The plan and its flow document stay in memory.</summary>
    Direct = 0,

    /// <summary>The plan is written as a flow file to a temporary file, loaded back with the flow file loader, and the file removed.</summary>
    Bridge = 1,
}
