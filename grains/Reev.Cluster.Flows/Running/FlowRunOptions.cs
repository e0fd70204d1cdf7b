namespace Reev.Cluster.Flows.Running;

/// <summary>How <see cref="FlowRunner"/> runs a flow.</summary>
/// <param name="AgentName">Agent registry name; default <c>deterministic</c>.</param>
/// <param name="Seed">Seed of placeholder keys, faults and signatures; a seed replays a run.</param>
/// <param name="FaultSpec">Faults to inject (<see cref="Ledger.FaultSpec"/> grammar), or null.</param>
/// <param name="StopOnCriticalFailure">Stop after a failed critical step (its later steps score 0); default true.</param>
public sealed record FlowRunOptions(
    string AgentName = Agents.DeterministicAgent.AgentName,
    int Seed = 0,
    string? FaultSpec = null,
    bool StopOnCriticalFailure = true)
{
    public static FlowRunOptions Default { get; } = new();
}
