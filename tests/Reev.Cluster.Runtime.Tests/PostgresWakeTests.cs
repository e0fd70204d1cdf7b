using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>The PostgreSQL store's LISTEN loop: its bounded waits keep the subscription, and its end is prompt.</summary>
public sealed class PostgresWakeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_wake_after_an_idle_spell_still_arrives_and_the_store_ends_within_a_wait()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("wake");
        var provider = new PostgresClusterProvider(database.ConnectionString);
        var signals = Channel.CreateUnbounded<WakeSignal>();
        var listener = provider.CreateStore(8, TimeProvider.System, NullLoggerFactory.Instance);
        await using var notifier = provider.CreateStore(8, TimeProvider.System, NullLoggerFactory.Instance);
        await listener.InitializeAsync(default);
        await listener.SubscribeAsync(s => signals.Writer.TryWrite(s), default);

        // The loop wakes everything once it listens; then it sits idle across several of its bounded waits.
        Assert.Equal(WakeSignal.Messages, await signals.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.Equal(WakeSignal.Replies, await signals.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System);
        await notifier.NotifyAsync(WakeSignal.Membership, default);
        Assert.Equal(WakeSignal.Membership, await signals.Reader.ReadAsync().AsTask().WaitAsync(Wait));
        Assert.False(signals.Reader.TryRead(out var extra), $"no reconnect in between (it wakes everything again): {extra}");

        var started = TimeProvider.System.GetTimestamp();
        await listener.DisposeAsync().AsTask().WaitAsync(Wait);
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(3), "the store ended within about one wait");
    }
}
