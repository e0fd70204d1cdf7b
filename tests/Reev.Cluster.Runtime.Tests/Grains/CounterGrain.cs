using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

public interface ICounterGrain : IGrain
{
    /// <summary>Applies increment number <paramref name="sequence"/> (1, 2, 3, ...); records gaps and repeats.</summary>
    Task Increment(int sequence);

    Task<CounterState> Read();

    /// <summary>Applies increment number <paramref name="sequence"/> as <see cref="Increment"/> does; answers the new count.</summary>
    Task<int> Add(int sequence);

    Task Deactivate();
}

public sealed class CounterState
{
    public int Count { get; set; }

    public int LastSequence { get; set; }

    /// <summary>Increments that arrived with a sequence number at or below one already applied.</summary>
    public int Repeats { get; set; }

    /// <summary>Increments that skipped ahead of the next expected number.</summary>
    public int Gaps { get; set; }

    public string? LastSilo { get; set; }

    /// <summary>How many activations this grain has had (from a process-wide counter, not stored).</summary>
    public int Activations { get; set; }
}

public sealed class CounterGrain(SiloName? silo = null) : Grain<CounterState>, ICounterGrain
{
    private static readonly ConcurrentDictionary<string, int> ActivationCounts = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ActivationCounts.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task Increment(int sequence)
    {
        if (sequence <= State.LastSequence)
        {
            State.Repeats++;
        }
        else if (sequence != State.LastSequence + 1)
        {
            State.Gaps++;
        }

        State.Count++;
        State.LastSequence = Math.Max(State.LastSequence, sequence);
        State.LastSilo = silo?.Value;
        return WriteStateAsync();
    }

    public async Task<int> Add(int sequence)
    {
        await Increment(sequence);
        return State.Count;
    }

    public Task<CounterState> Read() => Task.FromResult(new CounterState
    {
        Count = State.Count,
        LastSequence = State.LastSequence,
        Repeats = State.Repeats,
        Gaps = State.Gaps,
        LastSilo = State.LastSilo,
        Activations = ActivationCounts.GetValueOrDefault(GrainKey),
    });

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
