using Reev.Cluster.Flows.Agents;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Holds one step of every flow it runs until the test releases it.</summary>
public sealed class Gate(int holdStep)
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int HoldStep { get; } = holdStep;

    public Task Entered => _entered.Task;

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

/// <summary>The deterministic agent behind a <see cref="Gate"/>.</summary>
public sealed class GatedAgent(Gate gate) : IFlowAgent
{
    private readonly DeterministicAgent _inner = new();

    public string Name => "gated";

    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await gate.PassAsync(request.StepIndex, cancellationToken);
        return await _inner.RunAsync(request, cancellationToken);
    }
}

/// <summary>An agent with a bug: it throws.</summary>
public sealed class ThrowingAgent : IFlowAgent
{
    public string Name => "throws";

    public Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("agent bug");
}

/// <summary>An agent that hangs and ignores cancellation.</summary>
public sealed class HangingAgent : IFlowAgent
{
    public string Name => "hangs";

    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, CancellationToken.None);
        throw new InvalidOperationException("unreachable");
    }
}
