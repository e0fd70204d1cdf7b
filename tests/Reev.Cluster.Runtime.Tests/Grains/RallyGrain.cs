using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>
/// Two rally grains hit a ball back and forth, one durable message at a time, until their rally is stopped: a steady
/// stream of grain-to-grain messages that never waits for a client. A rally may have a spectator, told of every stroke
/// of the grain that served.
/// </summary>
public interface IRallyGrain : IGrain
{
    /// <summary>
    /// Takes stroke <paramref name="stroke"/> of <paramref name="rally"/> and hits stroke + 1 to <paramref name="partner"/>;
    /// odd strokes (the server's) are told to <paramref name="spectator"/> if there is one.
    /// </summary>
    Task Hit(string rally, string partner, int stroke, string? spectator = null);

    /// <summary>A spectator sees odd stroke <paramref name="stroke"/>: counted as a stroke it took.</summary>
    Task Watch(int stroke);

    Task<RallyState> Read();
}

public sealed class RallyState
{
    public int Strokes { get; set; }

    public int LastStroke { get; set; }

    /// <summary>Strokes that arrived at or below one already taken (a message applied twice).</summary>
    public int Repeats { get; set; }

    /// <summary>Strokes that skipped ahead of the next expected one (a message lost or overtaken).</summary>
    public int Gaps { get; set; }
}

public sealed class RallyGrain : Grain<RallyState>, IRallyGrain
{
    /// <summary>Rallies whose grains stop hitting back (process-wide: the test stops them).</summary>
    public static readonly ConcurrentDictionary<string, bool> Stopped = new(StringComparer.Ordinal);

    /// <summary>Strokes taken, by rally (process-wide: the test watches the stream go on).</summary>
    public static readonly ConcurrentDictionary<string, int> Taken = new(StringComparer.Ordinal);

    public Task Hit(string rally, string partner, int stroke, string? spectator = null)
    {
        Take(stroke);
        Taken.AddOrUpdate(rally, 1, static (_, n) => n + 1);
        var sends = new List<Task> { WriteStateAsync() };
        if (spectator is not null && stroke % 2 == 1)
        {
            sends.Add(GrainFactory.GetGrain<IRallyGrain>(spectator).Watch(stroke));
        }

        if (!Stopped.ContainsKey(rally))
        {
            sends.Add(GrainFactory.GetGrain<IRallyGrain>(partner).Hit(rally, GrainKey, stroke + 1, spectator));
        }

        return Task.WhenAll(sends);
    }

    public Task Watch(int stroke)
    {
        Take(stroke);
        return WriteStateAsync();
    }

    /// <summary>A grain takes every other stroke of its rally (a spectator sees every other): the next one it expects is two after its last.</summary>
    private void Take(int stroke)
    {
        if (stroke <= State.LastStroke)
        {
            State.Repeats++;
        }
        else if (State.LastStroke != 0 && stroke != State.LastStroke + 2)
        {
            State.Gaps++;
        }

        State.Strokes++;
        State.LastStroke = Math.Max(State.LastStroke, stroke);
    }

    public Task<RallyState> Read() => Task.FromResult(new RallyState
    {
        Strokes = State.Strokes,
        LastStroke = State.LastStroke,
        Repeats = State.Repeats,
        Gaps = State.Gaps,
    });
}
