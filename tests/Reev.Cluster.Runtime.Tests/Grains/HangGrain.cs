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
