using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Replies to a client that never takes them (it gave up or went away) do not stay in the in-memory provider for ever:
/// the reclaim pass deletes them once <see cref="ReplyRecord.OrphanedAge"/> old, as PostgreSQL's does for reev_replies.
/// </summary>
public sealed class OrphanedReplyTests(ITestOutputHelper output)
{
    private const int Partitions = 4;
    private const string GoneClient = "gone-client";

    [Fact]
    public async Task ReclaimQueueSpace_InMemory_DeletesRepliesOlderThanTheBoundAndKeepsYoungerOnes()
    {
        var clock = new FakeTimeProvider();
        var db = new InMemoryDatabase();
        await using var store = new InMemoryRuntimeStore(db, Partitions, clock);
        await store.InitializeAsync(default);
        var incarnation = Guid.NewGuid();
        await store.HeartbeatAsync("s", incarnation, TimeSpan.FromDays(1), default);
        var leases = await store.ClaimAsync("s", incarnation, Partitions, default);
        var grain = new GrainId("t", "g");
        var partition = PartitionHash.Compute(grain, Partitions);
        var ids = await store.EnqueueAsync(
            [.. Enumerable.Range(0, 2).Select(_ => new OutboundMessage(partition, grain.Type, grain.Key, "m", MessageKind.Call, "[]"u8.ToArray(), null, null))],
            default);
        TurnCommit Answer(long messageId, Guid requestId) => new()
        {
            Grain = grain,
            Partition = partition,
            Epoch = leases.Single(l => l.Partition == partition).Epoch,
            MessageId = messageId,
            Reply = new ReplyRecord(GoneClient, requestId, "1", null),
        };
        var (older, younger) = (Guid.NewGuid(), Guid.NewGuid());

        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", leases, [Answer(ids[0], older)], default)).Status);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", leases, [Answer(ids[1], younger)], default)).Status);
        clock.Advance(ReplyRecord.OrphanedAge - TimeSpan.FromMinutes(6));
        await store.ReclaimQueueSpaceAsync(default);
        var atTheBound = Waiting(db);
        clock.Advance(TimeSpan.FromSeconds(1));
        await store.ReclaimQueueSpaceAsync(default);
        var pastTheBound = Waiting(db);
        clock.Advance(TimeSpan.FromMinutes(6));
        await store.ReclaimQueueSpaceAsync(default);

        Assert.Equal([older, younger], atTheBound);
        Assert.Equal([younger], pastTheBound);
        Assert.Empty(db.Replies);
    }

    [Fact]
    public async Task A_silo_on_the_in_memory_provider_purges_a_gone_clients_reply_once_it_is_older_than_the_bound()
    {
        var clock = new FakeTimeProvider();
        var provider = new InMemoryClusterProvider();
        using var logs = XunitLoggerProvider.CreateFactory(output);
        await using var cluster = await TestCluster.StartAsync(new TestClusterOptions
        {
            ProviderFactory = () => provider,
            Grains = Clusters.Grains(),
            Services = Clusters.ServicesFor,
            LoggerFactory = logs,
            TimeProvider = clock,
            ConfigureSilo = o => o.LeaseDuration = TimeSpan.FromHours(10),
        });
        var silo = cluster.Silos[0];
        var counter = new GrainId(GrainInterfaceMetadata.For(typeof(ICounterGrain)).GrainType, $"asked-{Guid.NewGuid():N}");

        // An ask of a client in another process that is gone: the silo stores the reply for it, and nobody takes it.
        await using (var store = provider.CreateStore(silo.Options.PartitionCount, clock, logs))
        {
            await store.EnqueueAsync(
                [new OutboundMessage(PartitionHash.Compute(counter, silo.Options.PartitionCount), counter.Type, counter.Key, "Read", MessageKind.Call, "[]"u8.ToArray(), $"{GoneClient}:{Guid.NewGuid():N}", null)],
                default);
            await store.NotifyAsync(WakeSignal.Messages, default);
        }

        await Eventually.HoldsAsync(() => Waiting(provider.Database).Count == 1, TimeSpan.FromSeconds(20), "the silo stores the reply of the gone client");
        clock.Advance(ReplyRecord.OrphanedAge + TimeSpan.FromSeconds(1));
        // Reclaim passes run while the silo consumes messages (PostgreSQL's semantics): a later message, a period later.
        await cluster.Client.GetGrain<ICounterGrain>(counter.Key).Increment(1);
        await Eventually.HoldsAsync(
            () =>
            {
                clock.Advance(silo.Options.QueueReclaimInterval);
                return Waiting(provider.Database).Count == 0;
            },
            TimeSpan.FromSeconds(20),
            "a reclaim pass deletes the reply, older than the bound");

        Assert.Equal(1, (await cluster.Client.GetGrain<ICounterGrain>(counter.Key).Read()).Count);
    }

    private static List<Guid> Waiting(InMemoryDatabase db)
    {
        lock (db.Lock)
        {
            return db.Replies.TryGetValue(GoneClient, out var list) ? list.Select(r => r.RequestId).ToList() : [];
        }
    }
}
