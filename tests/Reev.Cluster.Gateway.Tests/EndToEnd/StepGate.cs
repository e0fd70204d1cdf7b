using Reev.Cluster.Flows.Agents;

namespace Reev.Cluster.Gateway.Tests.EndToEnd;

/// <summary>Holds one step of every flow until the test releases it, so that a test acts while that step runs.</summary>
public sealed class StepGate(int holdStep)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int HoldStep { get; } = holdStep;

    /// <summary>Completes when an agent first reaches the held step.</summary>
    public Task Entered => _entered.Task;

    public bool IsReleased => _released.Task.IsCompleted;

    public void Release() => _released.TrySetResult();

    public async Task PassAsync(int step, CancellationToken cancellationToken)
    {
        if (step == HoldStep)
        {
            _entered.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }
    }
}

/// <summary>
/// The deterministic agent behind a <see cref="StepGate"/>, registered under the deterministic agent's own name so that
/// the gateway (which accepts only the product's agent names) can submit flows that it runs.
/// </summary>
public sealed class GatedDeterministicAgent(StepGate gate) : IFlowAgent
{
    private readonly DeterministicAgent _inner = new();

    public string Name => DeterministicAgent.AgentName;

    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await gate.PassAsync(request.StepIndex, cancellationToken);
        return await _inner.RunAsync(request, cancellationToken);
    }
}
