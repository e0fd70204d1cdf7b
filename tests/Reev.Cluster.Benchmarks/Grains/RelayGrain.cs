using System.Globalization;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Benchmarks.Grains;

internal sealed class RelayGrain : Grain<RelayState>, IRelayGrain
{
    public async Task Relay(int ring, int hopsLeft)
    {
        State.Count++;
        if (hopsLeft > 0)
        {
            // The send joins this turn's commit: it is durable exactly when the state write is.
            var index = int.Parse(GrainKey.AsSpan(GrainKey.LastIndexOf('-') + 1), CultureInfo.InvariantCulture);
            await GrainFactory.GetGrain<IRelayGrain>(KeyOf((index + 1) % ring)).Relay(ring, hopsLeft - 1);
        }

        await WriteStateAsync();
    }

    public Task Add(int amount)
    {
        State.Count++;
        State.Sum += amount;
        return WriteStateAsync();
    }

    public async Task<long> Touch()
    {
        State.Count++;
        await WriteStateAsync();
        return State.Count;
    }

    public static string KeyOf(int index) => string.Create(CultureInfo.InvariantCulture, $"g-{index}");
}
