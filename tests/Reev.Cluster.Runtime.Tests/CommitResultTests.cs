using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// What a commit hands back and what a reminder's next due time is, on both providers: the sends' ids whatever else
/// shares the batch, and periodic reminders that keep their phase.
/// </summary>
public sealed class CommitResultTests(ITestOutputHelper output)
{
    private const int Partitions = 4;

    private static OutboundMessage Message(GrainId grain) =>
        new(PartitionHash.Compute(grain, Partitions), grain.Type, grain.Key, "m", MessageKind.Call, "[]"u8.ToArray(), null, null);

    private static async Task<(IRuntimeStore Store, List<PartitionLease> Leases, IAsyncDisposable? Database)> StoreAsync(string provider, string purpose)
    {
        IRuntimeStore store;
        TestDatabase? database = null;
        if (provider == "postgres")
        {
            database = await TestPostgres.CreateDatabaseAsync(purpose);
            store = new PostgresRuntimeStore(database.ConnectionString, Partitions, [], new Dictionary<Type, IPostgresReadModelWriter>(), NullLoggerFactory.Instance);
        }
        else
        {
            store = new InMemoryRuntimeStore(new InMemoryDatabase(), Partitions, TimeProvider.System);
        }

        await store.InitializeAsync(default);
        var incarnation = Guid.NewGuid();
        await store.HeartbeatAsync("s", incarnation, TimeSpan.FromHours(1), default);
        var leases = (await store.ClaimAsync("s", incarnation, Partitions, default)).ToList();
        return (store, leases, database);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("memory")]
    public async Task A_send_committed_beside_a_failed_attempt_and_a_dead_letter_gets_its_id(string provider)
    {
        var (store, leases, database) = await StoreAsync(provider, "sent ids beside no-row statements");
        await using var _ = database;
        GrainId a = new("t", "a"), b = new("t", "b"), c = new("t", "c");
        var ids = await store.EnqueueAsync([Message(a), Message(b), Message(c)], default);
        long Epoch(GrainId g) => leases.Single(l => l.Partition == PartitionHash.Compute(g, Partitions)).Epoch;
        // A failed attempt (an UPDATE) and a dead letter (an INSERT without RETURNING) return no rows before the sends.
        var failed = new TurnCommit { Grain = a, Partition = PartitionHash.Compute(a, Partitions), Epoch = Epoch(a), MessageId = ids[0], FailedAttemptError = "boom", Attempts = 1 };
        var dead = new TurnCommit { Grain = b, Partition = PartitionHash.Compute(b, Partitions), Epoch = Epoch(b), MessageId = ids[1], DeadLetterError = "gave up", Attempts = 5 };
        var sending = new TurnCommit { Grain = c, Partition = PartitionHash.Compute(c, Partitions), Epoch = Epoch(c), MessageId = ids[2] };
        sending.Sends.Add(Message(a));
        sending.Sends.Add(Message(b));

        var result = await store.CommitAsync("s", leases, [failed, dead, sending], default);

        Assert.Equal(CommitStatus.Committed, result.Status);
        Assert.Equal(2, sending.SentIds.Length);
        Assert.All(sending.SentIds, id => Assert.True(id > ids[2], $"sent id {id}"));
        Assert.NotEqual(sending.SentIds[0], sending.SentIds[1]);
    }

    [Fact]
    public async Task A_process_takes_only_the_replies_it_waits_for_even_when_another_uses_its_client_id()
    {
        var (store, leases, database) = await StoreAsync("postgres", "replies by request");
        await using var _ = database;
        GrainId a = new("t", "a"), b = new("t", "b");
        var ids = await store.EnqueueAsync([Message(a), Message(b)], default);
        Guid mine = Guid.NewGuid(), theirs = Guid.NewGuid();
        long Epoch(GrainId g) => leases.Single(l => l.Partition == PartitionHash.Compute(g, Partitions)).Epoch;
        var toMe = new TurnCommit { Grain = a, Partition = PartitionHash.Compute(a, Partitions), Epoch = Epoch(a), MessageId = ids[0], Reply = new ReplyRecord("gateway", mine, "1", null) };
        var toThem = new TurnCommit { Grain = b, Partition = PartitionHash.Compute(b, Partitions), Epoch = Epoch(b), MessageId = ids[1], Reply = new ReplyRecord("gateway", theirs, "2", null) };
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", leases, [toMe, toThem], default)).Status);

        // Two gateways configured with one client id: each takes its own reply, not the other's.
        var taken = await store.TakeRepliesAsync("gateway", [mine], default);
        var left = await store.TakeRepliesAsync("gateway", [theirs], default);

        Assert.Equal(mine, Assert.Single(taken).RequestId);
        Assert.Equal(theirs, Assert.Single(left).RequestId);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("memory")]
    public async Task A_periodic_reminder_fired_late_keeps_its_phase(string provider)
    {
        var (store, leases, database) = await StoreAsync(provider, "reminder phase");
        await using var _ = database;
        var grain = new GrainId("t", "r");
        var partition = PartitionHash.Compute(grain, Partitions);
        var start = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        var register = new TurnCommit { Grain = grain, Partition = partition, Epoch = leases.Single(l => l.Partition == partition).Epoch };
        register.Reminders.Add(new ReminderChange("tick", start, TimeSpan.FromSeconds(10)));
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", leases, [register], default)).Status);

        // Fired 3 s late: the next tick is still due at start + 10 s, not 10 s after the late poll.
        Assert.Single(await store.FireDueRemindersAsync("s", leases, start.AddSeconds(3), 100, default));
        var onTime = await store.FireDueRemindersAsync("s", leases, start.AddSeconds(10.5), 100, default);

        output.WriteLine($"{provider}: fired at start + 10.5 s: {onTime.Count}");
        Assert.Single(onTime);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("memory")]
    public async Task A_reminder_registered_again_from_another_partition_fires_there(string provider)
    {
        // A grain placed anew (a placement rule changed, ADR 0015) registers its reminder from its new partition: the
        // reminder must fire there, not at the partition of its first registration.
        var (store, leases, database) = await StoreAsync(provider, "reminder moves");
        await using var _ = database;
        var grain = new GrainId("t", "moved");
        var due = TimeProvider.System.GetUtcNow().AddMinutes(-1);
        foreach (var partition in new[] { 1, 3 })
        {
            var register = new TurnCommit { Grain = grain, Partition = partition, Epoch = leases.Single(l => l.Partition == partition).Epoch };
            register.Reminders.Add(new ReminderChange("tick", due, null));
            Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", leases, [register], default)).Status);
        }

        var fired = await store.FireDueRemindersAsync("s", leases, due.AddSeconds(1), 100, default);

        Assert.Equal(3, Assert.Single(fired).Partition);
    }
}

/// <summary>A commit lane outlives what shares its batches: a failing turn beside a sending one (one lane, so one batch).</summary>
public sealed class CommitLaneTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_failed_turn_and_a_sending_turn_in_one_batch_leave_the_lane_committing()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, configure: o =>
        {
            o.CommitLanes = 1;
            o.AskTimeout = TimeSpan.FromSeconds(10);
        });
        var silo = handle.Cluster.Silos[0];
        var sizes = new System.Collections.Concurrent.ConcurrentQueue<int>();
        silo.TestHooks.CommitCompleted = (_, turns) => sizes.Enqueue(turns);
        silo.TestHooks.BeforeCommitAsync = ct => Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System, ct);
        var trouble = handle.Client.GetGrain<ITroubleGrain>("lane-trouble");
        var relay = handle.Client.GetGrain<IRelayGrain>("lane-relay");
        var tag = Guid.NewGuid();

        // A first turn holds the only lane in its hook; the failing turn and the sending one queue behind it and share
        // the next batch.
        await handle.Client.GetGrain<ICounterGrain>("lane-counter").Increment(1);
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        await Task.WhenAll(trouble.Fail("a failed attempt in the batch"), relay.SendNote("lane-recipient", "hello", tag));
        await Eventually.HoldsAsync(async () => await handle.Client.GetGrain<IRelayGrain>("lane-recipient").Received() == 1, TimeSpan.FromSeconds(30), "the note sent beside the failed attempt arrives");
        silo.TestHooks.BeforeCommitAsync = null;
        output.WriteLine("commit batch sizes: " + string.Join(", ", sizes));
        Assert.Contains(sizes, n => n >= 2);

        // The lane still commits: an ask (a turn and its reply) answers.
        Assert.Equal(1, (await handle.Client.GetGrain<ICounterGrain>("lane-counter").Read()).Count);
    }
}

/// <summary>An activation that deactivated itself leaves the directory when its queue is empty, not an idle timeout later.</summary>
public sealed class SelfDeactivationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task Grains_that_deactivate_themselves_leave_the_directory_and_come_back_with_their_state(Provider provider)
    {
        await using var handle = await Clusters.StartAsync(provider, output);
        var silo = handle.Cluster.Silos[0];
        for (var i = 0; i < 50; i++)
        {
            var counter = handle.Client.GetGrain<ICounterGrain>($"self-{i}");
            await counter.Increment(1);
            await counter.Deactivate();
        }

        // The idle timeout is minutes: only the leave-when-done rule can empty the directory this fast.
        await Eventually.HoldsAsync(() => Task.FromResult(silo.ActivationCount == 0), TimeSpan.FromSeconds(10), "the deactivated grains left the directory");
        Assert.Equal(1, (await handle.Client.GetGrain<ICounterGrain>("self-7").Read()).Count); // reactivated from its stored state
    }
}
