using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>A grain whose turns hang, on request, on a gate that only the test can open: a turn that never returns.</summary>
public interface IHangGrain : IGrain
{
    /// <summary>
    /// Hangs on its first <paramref name="hangs"/> attempts (ignoring its token, as a stuck call to an external service
    /// would), then records <paramref name="value"/>. A hung attempt released later tries to record its own effects.
    /// </summary>
    Task Work(int value, int hangs, CancellationToken cancellationToken = default);

    /// <summary><see cref="Work"/> as an ask: returns the attempt that succeeded.</summary>
    Task<int> WorkAndAnswer(int value, int hangs, CancellationToken cancellationToken = default);

    Task Append(int value);

    Task<HangState> Read();
}

public sealed class HangState
{
    public List<int> Values { get; set; } = [];
}

/// <summary>What the test sees of one hang grain's turns, by key.</summary>
public sealed class HangProbe
{
    private int _attempts;
    private int _abandonedEnded;

    /// <summary>Opened by the test: the hung attempts go on.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The tokens the hung attempts got, in attempt order.</summary>
    public ConcurrentQueue<CancellationToken> HungTokens { get; } = new();

    /// <summary>What the runtime said to each effect a released attempt tried (exception type names; "ok" for none).</summary>
    public ConcurrentQueue<string> AbandonedEffects { get; } = new();

    public int AbandonedEnded => Volatile.Read(ref _abandonedEnded);

    internal int NextAttempt() => Interlocked.Increment(ref _attempts);

    internal void AbandonedEnd() => Interlocked.Increment(ref _abandonedEnded);
}

public sealed class HangGrain : Grain<HangState>, IHangGrain
{
    public static ConcurrentDictionary<string, HangProbe> Probes { get; } = new(StringComparer.Ordinal);

    /// <summary>The relay grain a released attempt tries to send to: it must receive nothing.</summary>
    public static string InboxOf(string key) => $"{key}-inbox";

    public async Task Work(int value, int hangs, CancellationToken cancellationToken = default) =>
        await WorkAndAnswer(value, hangs, cancellationToken);

    public async Task<int> WorkAndAnswer(int value, int hangs, CancellationToken cancellationToken = default)
    {
        var probe = Probes.GetOrAdd(GrainKey, _ => new HangProbe());
        var attempt = probe.NextAttempt();
        if (attempt <= hangs)
        {
            probe.HungTokens.Enqueue(cancellationToken);
            await probe.Gate.Task; // deliberately deaf to the token
            try
            {
                // Released after the turn was given up: everything it tries now must leave no trace.
                await Try(probe, () =>
                {
                    State.Values.Add(-value);
                    return WriteStateAsync();
                });
                await Try(probe, () => GrainFactory.GetGrain<IRelayGrain>(InboxOf(GrainKey)).TakeNote(new Note($"abandoned {attempt}", Guid.NewGuid())));
                await Try(probe, () =>
                {
                    RegisterReminder("abandoned", TimeSpan.FromMilliseconds(1));
                    return Task.CompletedTask;
                });
            }
            finally
            {
                probe.AbandonedEnd();
            }

            // It ends faulted, as released code often does: nobody awaits it, and it must not surface as unobserved.
            throw new InvalidOperationException($"abandoned attempt {attempt} of {GrainKey} ended");
        }

        State.Values.Add(value);
        await WriteStateAsync();
        return attempt;
    }

    public Task Append(int value)
    {
        State.Values.Add(value);
        return WriteStateAsync();
    }

    public Task<HangState> Read() => Task.FromResult(State);

    private static async Task Try(HangProbe probe, Func<Task> effect)
    {
        try
        {
            await effect();
            probe.AbandonedEffects.Enqueue("ok");
        }
        catch (Exception ex)
        {
            probe.AbandonedEffects.Enqueue(ex.GetType().Name);
        }
    }
}

/// <summary>A grain whose activation (or deactivation) hangs on request, deaf to its token, on a gate the test opens.</summary>
public interface IHangLifecycleGrain : IGrain
{
    /// <summary>Records one run of the method (the probe counts them) in the state.</summary>
    Task Mark(int value);

    Task<HangState> Read();
}

/// <summary>What the test sets and sees of one lifecycle grain, by key.</summary>
public sealed class HangLifecycleProbe
{
    private int _activations;
    private int _activationsEnded;
    private int _methodRuns;

    public int ActivationHangs { get; init; }

    public bool DeactivationHangs { get; init; }

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set once a deactivation began hanging.</summary>
    public TaskCompletionSource DeactivationHung { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int ActivationsEnded => Volatile.Read(ref _activationsEnded);

    public int MethodRuns => Volatile.Read(ref _methodRuns);

    internal int NextActivation() => Interlocked.Increment(ref _activations);

    internal void ActivationEnded() => Interlocked.Increment(ref _activationsEnded);

    internal void MethodRan() => Interlocked.Increment(ref _methodRuns);
}

public sealed class HangLifecycleGrain : Grain<HangState>, IHangLifecycleGrain
{
    public static ConcurrentDictionary<string, HangLifecycleProbe> Probes { get; } = new(StringComparer.Ordinal);

    private HangLifecycleProbe Probe => Probes.GetOrAdd(GrainKey, _ => new HangLifecycleProbe());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var probe = Probe;
        try
        {
            if (probe.NextActivation() <= probe.ActivationHangs)
            {
                await probe.Gate.Task; // deliberately deaf to the token
            }
        }
        finally
        {
            probe.ActivationEnded();
        }
    }

    public override async Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        var probe = Probe;
        if (probe.DeactivationHangs)
        {
            probe.DeactivationHung.TrySetResult();
            await probe.Gate.Task; // deliberately deaf to the token
        }
    }

    public Task Mark(int value)
    {
        Probe.MethodRan();
        State.Values.Add(value);
        return WriteStateAsync();
    }

    public Task<HangState> Read() => Task.FromResult(State);
}
