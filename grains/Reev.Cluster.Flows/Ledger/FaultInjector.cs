namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// Decides, reproducibly, which tool calls of one step attempt fault. A decision depends only on
/// (seed, step, attempt, call index, fault kind), hashed with SplitMix64, so a seed replays a run exactly
/// and the decision for one call does not depend on how many random numbers earlier calls drew.
/// </summary>
public sealed class FaultInjector
{
    private readonly FaultSpec _spec;
    private readonly int _seed;
    private readonly int _step;
    private readonly int _attempt;

    public FaultInjector(FaultSpec spec, int seed, int step, int attempt)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _spec = spec;
        _seed = seed;
        _step = step;
        _attempt = attempt;
    }

    /// <summary>An injector that never faults.</summary>
    public static FaultInjector None { get; } = new(FaultSpec.None, 0, 1, 1);

    /// <summary>The spec.</summary>
    public FaultSpec Spec => _spec;

    /// <summary>The attempt the decisions are for.</summary>
    public int Attempt => _attempt;

    /// <summary>True when call <paramref name="callIndex"/> of this attempt gets <paramref name="kind"/>.</summary>
    public bool Fires(FaultKind kind, int callIndex)
    {
        if (_spec.IsScripted(kind, _attempt))
        {
            return true;
        }

        var rate = _spec.RateOf(kind);
        if (rate <= 0)
        {
            return false;
        }

        return rate >= 1 || Uniform(kind, callIndex) < rate;
    }

    private double Uniform(FaultKind kind, int callIndex)
    {
        var x = (ulong)(uint)_seed;
        x = Mix(x ^ ((ulong)(uint)_step << 32));
        x = Mix(x ^ (uint)_attempt);
        x = Mix(x ^ ((ulong)(uint)callIndex << 16));
        x = Mix(x ^ ((ulong)kind + 1));
        return (x >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
