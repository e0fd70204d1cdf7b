using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>A grain whose <see cref="ICrashGrain.Crash"/> turn kills the silo running it, as a fail-fast or a stack overflow would.</summary>
public interface ICrashGrain : IGrain
{
    /// <summary>Calls <see cref="CrashGrain.Killers"/> for this grain's key with the silo's id, then waits for the silo's end.</summary>
    Task Crash(CancellationToken cancellationToken = default);

    Task Touch();

    Task<int> Read();
}

public sealed class CrashState
{
    public int Touches { get; set; }
}

public sealed class CrashGrain(SiloName? silo = null) : Grain<CrashState>, ICrashGrain
{
    /// <summary>The test's hook, by grain key: kills the silo it is given (the turn's own).</summary>
    public static ConcurrentDictionary<string, Action<string>> Killers { get; } = new();

    public async Task Crash(CancellationToken cancellationToken = default)
    {
        if (Killers.TryGetValue(GrainKey, out var kill))
        {
            kill(silo?.Value ?? throw new InvalidOperationException("no silo name"));
        }

        // The process is gone: this turn ends only with the silo (its token), and nothing of it commits.
        await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);
    }

    public Task Touch()
    {
        State.Touches++;
        return WriteStateAsync();
    }

    public Task<int> Read() => Task.FromResult(State.Touches);
}
