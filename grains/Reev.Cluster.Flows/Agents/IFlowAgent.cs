namespace Reev.Cluster.Flows.Agents;

/// <summary>An agent that executes one step prompt by calling tools.</summary>
public interface IFlowAgent
{
    /// <summary>Registry name ("deterministic", "noop", "openai").</summary>
    string Name { get; }

    /// <summary>
    /// Runs the step. Tool errors are part of the result, not exceptions; an agent failure (e.g. an
    /// unreachable LLM) may throw <see cref="FlowAgentException"/>; cancellation propagates.
    /// </summary>
    Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken);
}
