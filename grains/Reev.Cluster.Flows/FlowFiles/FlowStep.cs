using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>A step of a static multi-step flow (REFERENCE §1.3).</summary>
/// <param name="Step">1-based, sequential.</param>
/// <param name="Description">Free text.</param>
/// <param name="Prompt">The prompt sent to the agent for this step.</param>
/// <param name="Critical">A failed critical step fails the flow; default false.</param>
/// <param name="TimeoutSeconds">Step timeout in seconds, when given.</param>
/// <param name="DependsOn">Informational (<c>step_N_result</c>); execution is sequential.</param>
public sealed record FlowStep(
    int Step,
    string Description,
    string Prompt,
    bool Critical,
    int? TimeoutSeconds,
    EquatableArray<string> DependsOn);
