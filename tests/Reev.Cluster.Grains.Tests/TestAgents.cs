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

/// <summary>
/// The deterministic agent, except that its first run waits until it is cancelled and then goes on anyway (as a slow
/// model's answer still arrives): it says when it was cancelled and what its late run did.
/// </summary>
public sealed class StallingAgent : IFlowAgent
{
    private readonly DeterministicAgent _inner = new();
    private int _runs;

    public string Name => "stalls";

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<AgentResult> LateRun { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Interlocked.Increment(ref _runs) > 1)
        {
            return await _inner.RunAsync(request, cancellationToken);
        }

        Entered.TrySetResult();
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Cancelled.TrySetResult();
        }

        var late = await _inner.RunAsync(request, CancellationToken.None);
        LateRun.TrySetResult(late);
        return late;
    }
}
