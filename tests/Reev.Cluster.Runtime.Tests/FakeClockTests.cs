using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>Time-driven behaviour under a clock the test moves: an hour passes in milliseconds.</summary>
public sealed class FakeClockTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_reminder_due_in_an_hour_fires_when_the_clock_says_so_and_not_before()
    {
        var clock = new FakeTimeProvider();
        await using var handle = await Clusters.StartAsync(Provider.InMemory, output, timeProvider: clock,
            configure: o => o.LeaseDuration = TimeSpan.FromHours(10));
        var grain = handle.Client.GetGrain<IReminderGrain>($"hour-{Guid.NewGuid():N}");

        await grain.Schedule("hourly", dueMilliseconds: (int)TimeSpan.FromHours(1).TotalMilliseconds, periodMilliseconds: 0);
        // Schedule is one-way: an ask (delivered after it) makes sure its turn took the clock's now before the clock moves.
        await grain.Read();
        await AdvanceAsync(clock, TimeSpan.FromMinutes(59));
        var before = await grain.Read();
        await AdvanceAsync(clock, TimeSpan.FromMinutes(2));
        // The clock keeps moving while the test waits, a second per poll, as a real one would: a loop that re-armed
        // its poll timer just after the last minute's step must not wait for a clock that never moves again.
        await Eventually.HoldsAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return (await grain.Read()).Ticks.GetValueOrDefault("hourly") == 1;
            },
            TimeSpan.FromSeconds(20),
            "the reminder fires once the hour has passed");
        var after = await grain.Read();

        Assert.False(before.Ticks.ContainsKey("hourly"));
        Assert.Equal(clock.GetUtcNow().Date, after.FiredAt[0].Date);
        Assert.True(after.FiredAt[0] >= before.FiredAt.DefaultIfEmpty(DateTimeOffset.MinValue).Max());
    }

    [Fact]
    public async Task A_hung_turn_is_abandoned_when_the_silos_clock_passes_the_turn_timeout_and_not_before()
    {
        var clock = new FakeTimeProvider();
        await using var handle = await Clusters.StartAsync(Provider.InMemory, output, timeProvider: clock, configure: o =>
        {
            o.LeaseDuration = TimeSpan.FromHours(10);
            o.TurnTimeout = TimeSpan.FromMinutes(30);
        });
        var key = $"hang-{Guid.NewGuid():N}";
        var probe = HangGrain.Probes.GetOrAdd(key, _ => new HangProbe());
        var grain = handle.Client.GetGrain<IHangGrain>(key);

        try
        {
            await grain.Work(1, hangs: 1);
            await Eventually.HoldsAsync(() => !probe.HungTokens.IsEmpty, TimeSpan.FromSeconds(20), $"{key}: the first attempt hangs");
            await AdvanceAsync(clock, TimeSpan.FromMinutes(29));
            var before = probe.Attempts;
            var cancelledBefore = probe.HungTokens.Single().IsCancellationRequested;
            // No ask while the turn hangs: it would wait behind it. The clock keeps moving for the retry's backoff.
            await Eventually.HoldsAsync(
                async () =>
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                    return probe.Attempts == 2 && handle.Cluster.Silos[0].QueuedMessages == 0
                        && await handle.Cluster.Silos[0].CountPendingMessagesAsync(default) == 0;
                },
                TimeSpan.FromSeconds(20),
                $"{key}: the hung turn is abandoned and retried once the clock passes 30 minutes");

            Assert.Equal(1, before);
            Assert.False(cancelledBefore, "the turn's token is not cancelled before its timeout");
            Assert.True(probe.HungTokens.Single().IsCancellationRequested);
            Assert.Equal(2, probe.Attempts);
            Assert.Equal([1], (await grain.Read()).Values);
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }

    /// <summary>Moves the clock a minute at a time, letting the silo's loops run between steps.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider clock, TimeSpan total)
    {
        for (var moved = TimeSpan.Zero; moved < total; moved += TimeSpan.FromMinutes(1))
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
    }
}
