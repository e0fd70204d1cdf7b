using Reev.Cluster.Runtime.Engine;

namespace Reev.Cluster.Runtime;

/// <summary>A grain with typed persistent state, versioned by the store (DESIGN R8).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Orleans-shaped name.")]
public abstract class Grain<TState> : Grain
    where TState : class, new()
{
    private TState? _state;

    /// <summary>The grain's state as of the last committed turn plus this turn's changes.</summary>
    protected TState State
    {
        get => _state ??= new TState();
        set => _state = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The state's version (ETag) as last committed; 0 before the first write.</summary>
    protected long StateVersion { get; private set; }

    /// <summary>
    /// Marks the state to be written. The write commits atomically with the turn that made it
    /// (the message's consumption, the sends and the reminder changes), so the returned task is
    /// already complete: a turn that throws leaves no trace.
    /// </summary>
    protected Task WriteStateAsync()
    {
        TurnContext.RequireCurrent(this).StateDirty = true;
        return Task.CompletedTask;
    }

    internal object? GetStateObject() => _state;

    internal void SetState(object? state, long version)
    {
        _state = (TState?)state;
        StateVersion = version;
    }

    internal static Type StateType => typeof(TState);
}
