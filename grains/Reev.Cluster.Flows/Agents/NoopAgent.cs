using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Agents;

/// <summary>
/// Calls no tools: measures the overhead of running steps (grains, storage, messaging) without agent work.
/// The step runner counts its steps as succeeded with an on-chain score of 0.
/// </summary>
public sealed class NoopAgent : IFlowAgent
{
    /// <summary>Registry name.</summary>
    public const string AgentName = "noop";

    /// <inheritdoc/>
    public string Name => AgentName;

    /// <inheritdoc/>
    public Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new AgentResult(default(EquatableArray<ToolCallRecord>), "noop: no tools called"));
    }
}
