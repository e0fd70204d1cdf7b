using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// DESIGN R4 for a message whose turn kills its process: no failed attempt is recorded by the dying silo, so the silo that
/// takes its partition over (the lease expired) counts one before running it again, and the message ends as a dead letter
/// after MaxAttempts deliveries instead of killing every silo in turn.
/// </summary>
public abstract class CrashTakeoverTests(Provider provider, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_message_whose_turn_kills_its_silo_is_dead_lettered_after_MaxAttempts_deliveries_and_its_grain_goes_on()
    {
        await using var handle = await Clusters.StartAsync(provider, output, silos: 2, configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromSeconds(1);
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        });
        await handle.Cluster.WaitForBalanceAsync(Bound);
        var maxAttempts = handle.Cluster.Silos[0].Options.MaxAttempts;
        var key = $"crash-{Guid.NewGuid():N}";
        var victims = new ConcurrentQueue<string>();
        var replacements = new ConcurrentQueue<Task>();
        CrashGrain.Killers[key] = siloId =>
        {
            victims.Enqueue(siloId);
            var silo = handle.Cluster.Silos.Single(s => s.SiloId == siloId);

            // The process dies (a moment later, so that the test's sends from that silo are through); another one is
            // started in its place, so two silos stay alive.
            replacements.Enqueue(Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
                await handle.Cluster.KillSiloAsync(silo);
                await handle.Cluster.StartSiloAsync();
            }));
        };

        try
        {
            var client = handle.Cluster.Silos[1].GrainFactory;
            var grain = client.GetGrain<ICrashGrain>(key);
            await grain.Crash();
            await grain.Touch();

            var deadline = TimeProvider.System.GetTimestamp();
            DeadLetter? dead = null;
            while (dead is null)
            {
                Assert.True(
                    TimeProvider.System.GetElapsedTime(deadline) < Bound,
                    $"the crashing message was not dead-lettered within {Bound.TotalSeconds} s: it was delivered {victims.Count} times, each killing its silo (R4: it blocks its grain)");
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
                var live = handle.Cluster.Silos.Where(s => !victims.Contains(s.SiloId)).ToList();
                if (live.Count > 0)
                {
                    dead = (await live[0].GetDeadLettersAsync(100, default)).SingleOrDefault(d => d.GrainKey == key);
                }
            }

            Assert.Equal("Crash", dead.Method);
            Assert.Equal(maxAttempts, dead.Attempts);
            Assert.Contains("died", dead.Error, StringComparison.Ordinal);
            Assert.Equal(maxAttempts, victims.Count); // every delivery ran and killed its silo; none after the dead letter

            // The grain's next message runs.
            var survivors = handle.Cluster.Silos.Where(s => !victims.Contains(s.SiloId)).ToList();
            var touches = 0;
            var started = TimeProvider.System.GetTimestamp();
            while (touches != 1)
            {
                Assert.True(TimeProvider.System.GetElapsedTime(started) < Bound, "the grain's message after the dead letter did not run");
                touches = await survivors[0].GrainFactory.GetGrain<ICrashGrain>(key).Read();
            }

            await Task.WhenAll(replacements);
        }
        finally
        {
            CrashGrain.Killers.TryRemove(key, out _);
        }
    }
}

public sealed class InMemoryCrashTakeoverTests(ITestOutputHelper output) : CrashTakeoverTests(Provider.InMemory, output);

public sealed class PostgresCrashTakeoverTests(ITestOutputHelper output) : CrashTakeoverTests(Provider.Postgres, output);
