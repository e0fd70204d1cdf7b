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

    [Fact]
    public async Task A_message_whose_turn_kills_the_only_silo_is_dead_lettered_when_the_silo_restarts_under_the_same_id()
    {
        // One silo, restarted under its id each time its turn kills it: no other silo ever takes the partitions over from
        // the expired owner; the new incarnation's heartbeat releases them (orphaned) and claims them back.
        var lease = TimeSpan.FromSeconds(1);
        await using var handle = await Clusters.StartAsync(provider, output, silos: 1, configure: o =>
        {
            o.LeaseDuration = lease;
            o.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        });
        await handle.Cluster.WaitForBalanceAsync(Bound);
        var first = handle.Cluster.Silos[0];
        var siloId = first.SiloId;
        var maxAttempts = first.Options.MaxAttempts;
        var key = $"crash-{Guid.NewGuid():N}";
        var victims = new ConcurrentQueue<Silo>();
        var restarts = new ConcurrentQueue<Task>();
        CrashGrain.Killers[key] = id =>
        {
            Assert.Equal(siloId, id);
            var silo = handle.Cluster.Silos.Last(s => s.SiloId == id);
            victims.Enqueue(silo);

            // The process dies (a moment later, so that the test's sends are through) and is restarted under the same id
            // once its lease has run out (what a host's identity guard, or a StatefulSet's restart, waits for).
            restarts.Enqueue(Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
                await handle.Cluster.KillSiloAsync(silo);
                await Task.Delay(lease + TimeSpan.FromMilliseconds(500), TimeProvider.System);
                await handle.Cluster.StartSiloAsync(id);
            }));
        };

        try
        {
            var grain = first.GrainFactory.GetGrain<ICrashGrain>(key);
            await grain.Crash();
            await grain.Touch();

            Silo? Live() => handle.Cluster.Silos.LastOrDefault(s => !victims.Contains(s) && s.IsRunning);

            var started = TimeProvider.System.GetTimestamp();
            DeadLetter? dead = null;
            while (dead is null)
            {
                Assert.True(
                    TimeProvider.System.GetElapsedTime(started) < Bound,
                    $"the crashing message was not dead-lettered within {Bound.TotalSeconds} s: it was delivered {victims.Count} times, each killing the silo, restarted under the same id (R4: it blocks its grain)");
                await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
                if (Live() is { } live)
                {
                    dead = (await live.GetDeadLettersAsync(100, default)).SingleOrDefault(d => d.GrainKey == key);
                }
            }

            Assert.Equal("Crash", dead.Method);
            Assert.Equal(maxAttempts, dead.Attempts);
            Assert.Contains("died", dead.Error, StringComparison.Ordinal);
            Assert.Equal(maxAttempts, victims.Count); // every delivery ran and killed its silo; none after the dead letter

            // The grain's next message runs.
            var touches = 0;
            while (touches != 1)
            {
                Assert.True(TimeProvider.System.GetElapsedTime(started) < Bound * 2, "the grain's message after the dead letter did not run");
                var live = Live();
                if (live is not null)
                {
                    touches = await live.GrainFactory.GetGrain<ICrashGrain>(key).Read();
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
            }

            await Task.WhenAll(restarts);
        }
        finally
        {
            CrashGrain.Killers.TryRemove(key, out _);
        }
    }
}

public sealed class InMemoryCrashTakeoverTests(ITestOutputHelper output) : CrashTakeoverTests(Provider.InMemory, output);

public sealed class PostgresCrashTakeoverTests(ITestOutputHelper output) : CrashTakeoverTests(Provider.Postgres, output);
