using Reev.Cluster.Runtime;

namespace Reev.Cluster.Benchmarks.Grains;

/// <summary>The benchmark's grain: every turn writes its state, like a checkpointed flow step.</summary>
[GrainType("bench.relay")]
public interface IRelayGrain : IGrain
{
    /// <summary>
    /// One-way: counts the message, writes state and, while <paramref name="hopsLeft"/> is positive,
    /// passes the token on to the next grain of the ring inside the same turn (grain-to-grain send).
    /// </summary>
    Task Relay(int ring, int hopsLeft);

    /// <summary>One-way from a client: counts the message and writes state.</summary>
    Task Add(int amount);

    /// <summary>Ask: counts the call, writes state and returns the new count.</summary>
    Task<long> Touch();
}
