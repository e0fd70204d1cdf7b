using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// A commit wakes the reminder loop only for a reminder due within one poll period: a later one is found by the loop's
/// polls, so the watchdogs and timeouts every flow registers do not cost a due-reminder probe per commit.
/// </summary>
public sealed class ReminderWakeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_reminder_due_later_than_a_poll_period_does_not_wake_the_loop_and_one_due_sooner_does()
    {
        CountedReminderProbes? store = null;
        var clock = new FakeTimeProvider();
        var options = TestCluster.FastOptions();
        options.LeaseDuration = TimeSpan.FromHours(10);
        options.HeartbeatInterval = TimeSpan.FromHours(1);
        options.ReminderPollInterval = TimeSpan.FromSeconds(1);
        var silo = Silo.Create(options, new WrappedProvider(new InMemoryClusterProvider(), s => store = new CountedReminderProbes(s)),
            Clusters.Grains(), timeProvider: clock);
        await using var _ = silo;
        await silo.StartAsync(default);
        var later = silo.GrainFactory.GetGrain<IReminderGrain>($"later-{Guid.NewGuid():N}");
        var sooner = silo.GrainFactory.GetGrain<IReminderGrain>($"sooner-{Guid.NewGuid():N}");
        await later.Read();
        await sooner.Read();
        // The clock does not move, so the loop's own polls do not come: what probes now is a wake.
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var settled = store!.Probes;

        await later.Schedule("watchdog", dueMilliseconds: (int)TimeSpan.FromMinutes(5).TotalMilliseconds, periodMilliseconds: 0);
        await later.Read(); // the one-way Schedule committed before this ask's turn
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var afterLater = store.Probes;

        await sooner.Schedule("retry", dueMilliseconds: 0, periodMilliseconds: 0);
        await Eventually.HoldsAsync(async () => (await sooner.Read()).Ticks.GetValueOrDefault("retry") == 1, Wait,
            "a reminder due at once fires without the clock moving: its commit woke the loop");

        Assert.Equal(settled, afterLater);
        Assert.True(store.Probes > afterLater);
    }

    /// <summary>Counts the reminder loop's probes of the store.</summary>
    private sealed class CountedReminderProbes(IRuntimeStore inner) : DelegatingRuntimeStore(inner)
    {
        private int _probes;

        public int Probes => Volatile.Read(ref _probes);

        public override Task<IReadOnlyList<StoredMessage>> FireDueRemindersAsync(
            string siloId, IReadOnlyList<PartitionLease> owned, DateTimeOffset now, int max, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _probes);
            return base.FireDueRemindersAsync(siloId, owned, now, max, cancellationToken);
        }
    }
}
