using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>Local dispatch keeps to MaxQueuedMessages: a fan-out waits in the store, not in memory, and keeps its order.</summary>
public sealed class BackPressureTests
{
    [Fact]
    public async Task A_fan_out_to_a_held_local_grain_stays_within_the_queue_limit_and_is_processed_once_in_order()
    {
        const int Count = 1000;
        var recipient = $"fan-in-{Guid.NewGuid():N}";
        var options = TestCluster.FastOptions();
        options.MaxQueuedMessages = 10;
        await using var silo = Silo.Create(options, new InMemoryClusterProvider(), Clusters.Grains().Add<IGateGrain, GateGrain>());
        await silo.StartAsync(default);

        await silo.GrainFactory.GetGrain<IGateGrain>($"sender-{Guid.NewGuid():N}").FanOut(recipient, Count);
        await GateGrain.EnteredOf(recipient).Task.WaitAsync(TimeSpan.FromSeconds(20));

        // Held for a few sweeps: what is queued in memory stays near the limit.
        var peak = 0L;
        for (var i = 0; i < 100; i++)
        {
            peak = Math.Max(peak, silo.QueuedMessages);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System);
        }

        Assert.InRange(peak, 1, options.MaxQueuedMessages + 2);

        GateGrain.GateOf(recipient).TrySetResult();
        var taken = new List<int>();
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(60);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            taken = await silo.GrainFactory.GetGrain<IGateGrain>(recipient).Taken();
            if (taken.Count >= Count)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }

        Assert.Equal(Enumerable.Range(0, Count), taken);
    }
}
