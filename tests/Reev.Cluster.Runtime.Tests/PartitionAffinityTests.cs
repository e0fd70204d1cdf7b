using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>Grains placed with an anchor (ADR 0015) share its partition, so their messages stay on one silo.</summary>
public sealed class PartitionAffinityTests(ITestOutputHelper output)
{
    private const int Partitions = 256;

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task A_message_left_in_its_grains_old_partition_is_forwarded_and_runs_once_on_the_placed_silo(Provider provider)
    {
        // Sent by a build without the rule: in the partition of the follower's own key, which another silo owns.
        ClusterProvider? captured = null;
        await using var handle = await Clusters.StartAsync(provider, output, silos: 2, wrap: p => captured ??= p);
        var cluster = handle.Cluster;
        await cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        var partitions = cluster.Silos[0].Options.PartitionCount;
        string OwnerOf(int partition) => cluster.Silos.Single(s => s.OwnedPartitions.Contains(partition)).SiloId;
        var run = Guid.NewGuid().ToString("N")[..8];
        var (lead, key) = Enumerable.Range(0, 1000).Select(i => (Lead: $"{run}-{i}", Key: $"{run}-{i}/0"))
            .First(x => OwnerOf(PartitionHash.ComputeOwn(new GrainId("follower", x.Key), partitions))
                != OwnerOf(PartitionHash.Compute(new GrainId("lead", x.Lead), partitions)));
        var old = PartitionHash.ComputeOwn(new GrainId("follower", key), partitions);

        await using (var store = captured!.CreateStore(partitions, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance))
        {
            await store.EnqueueAsync([new OutboundMessage(old, "follower", key, "Take", MessageKind.Call, "[]"u8.ToArray(), null, null)], default);
            await store.NotifyAsync(WakeSignal.Messages, default);
        }

        await Eventually.HoldsAsync(() => FollowerGrain.TakenOn.ContainsKey($"follower/{key}"), TimeSpan.FromSeconds(30), "the follower took the old message");
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System); // a second run, if any, would show by now (sweeps every 2 s)
        Assert.Equal(cluster.Silos.Single(s => s.Owns<ILeadGrain>(lead)).SiloId, FollowerGrain.TakenOn[$"follower/{key}"]);
        Assert.Equal(1, FollowerGrain.Turns[$"follower/{key}"]);
    }

    [Fact]
    public void A_placed_grain_takes_the_partition_of_its_anchor_in_every_process_that_reads_its_interface()
    {
        _ = GrainInterfaceMetadata.For(typeof(IFollowerGrain));
        var partitions = new HashSet<int>();
        for (var i = 0; i < 500; i++)
        {
            var lead = PartitionHash.Compute(new GrainId("lead", $"lead-{i}"), Partitions);
            Assert.Equal(lead, PartitionHash.Compute(new GrainId("follower", $"lead-{i}/{i % 7}"), Partitions));
            Assert.Equal(lead, PartitionHash.Compute(new GrainId("follower", $"lead-{i}"), Partitions)); // no '/': the key itself
            partitions.Add(lead);
        }

        Assert.True(partitions.Count > 150, $"the anchors spread over {partitions.Count} of {Partitions} partitions");
        // Grains of a type without a rule keep their own mapping: a stray with a follower's key lands elsewhere mostly.
        var moved = Enumerable.Range(0, 500).Count(i =>
            PartitionHash.Compute(new GrainId("stray", $"lead-{i}/1"), Partitions) != PartitionHash.Compute(new GrainId("lead", $"lead-{i}"), Partitions));
        Assert.True(moved > 450, $"{moved} of 500 strays are placed apart from the lead of the same name");
    }

    [Theory]
    [InlineData(typeof(IConflictPlacedGrain), typeof(IConflictUnplacedGrain))]
    [InlineData(typeof(IConflictOtherKeyGrain), typeof(IConflictSameKeyGrain))]
    public void Interfaces_of_one_grain_type_that_place_it_differently_are_refused_by_name(Type first, Type second)
    {
        _ = GrainInterfaceMetadata.For(first);
        var error = Assert.Throws<GrainCallException>(() => GrainInterfaceMetadata.For(second));
        Assert.Contains(second.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains("every interface of a grain type must declare the same [PartitionWith]", error.Message, StringComparison.Ordinal);
        _ = GrainInterfaceMetadata.For(first); // the first stays valid
    }

    [Theory]
    [InlineData(typeof(IChainedGrain), "anchors do not chain")]
    [InlineData(typeof(ISelfPlacedGrain), "cannot be placed with itself")]
    [InlineData(typeof(IBadKeyGrain), "must implement IPartitionAnchorKey")]
    [InlineData(typeof(INotAGrainAnchorGrain), "is not a grain interface")]
    [InlineData(typeof(IAbstractKeyGrain), "must implement IPartitionAnchorKey")]
    [InlineData(typeof(IThrowingKeyGrain), "constructor failed: no key today")]
    public void A_rule_that_cannot_hold_is_refused_when_the_interface_is_read(Type grain, string expected)
    {
        var error = Assert.Throws<GrainCallException>(() => GrainInterfaceMetadata.For(grain));
        Assert.Contains(grain.Name, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task Sends_to_placed_grains_stay_on_the_senders_silo_and_others_cross(Provider provider)
    {
        await using var handle = await Clusters.StartAsync(provider, output, silos: 2);
        var cluster = handle.Cluster;
        await cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        using var sent = new SentMessages(cluster.Silos.Select(s => s.SiloId));
        var run = Guid.NewGuid().ToString("N")[..8];
        var leads = Enumerable.Range(0, 20).Select(i => $"{run}-{i}").ToList();
        string OwnerOf(string lead) => cluster.Silos.Single(s => s.Owns<ILeadGrain>(lead)).SiloId;
        Assert.Equal(2, leads.Select(OwnerOf).Distinct().Count()); // both silos lead some

        foreach (var lead in leads)
        {
            await cluster.Client.GetGrain<ILeadGrain>(lead).SendToFollowers(5);
        }

        var followers = leads.SelectMany(l => Enumerable.Range(0, 5).Select(i => (Lead: l, Key: $"follower/{l}/{i}"))).ToList();
        await Eventually.HoldsAsync(() => followers.All(f => FollowerGrain.TakenOn.ContainsKey(f.Key)), TimeSpan.FromSeconds(30), "every follower took its message");
        Assert.All(followers, f => Assert.Equal(OwnerOf(f.Lead), FollowerGrain.TakenOn[f.Key]));
        Assert.Equal((100L, 0L), sent.Counts);

        // The control: the same keys on a type placed by its own key; about half of them belong to the other silo.
        foreach (var lead in leads)
        {
            await cluster.Client.GetGrain<ILeadGrain>(lead).SendToStrays(5);
        }

        var strays = leads.SelectMany(l => Enumerable.Range(0, 5).Select(i => (Lead: l, Key: $"stray/{l}/{i}"))).ToList();
        await Eventually.HoldsAsync(() => strays.All(s => FollowerGrain.TakenOn.ContainsKey(s.Key)), TimeSpan.FromSeconds(30), "every stray took its message");
        var crossed = strays.Count(s => FollowerGrain.TakenOn[s.Key] != OwnerOf(s.Lead));
        Assert.InRange(crossed, 20, 80);
        Assert.Equal((200L - crossed, (long)crossed), sent.Counts);
    }
}

[GrainType("conflict-a")]
[PartitionWith(typeof(ILeadGrain))]
public interface IConflictPlacedGrain : IGrain
{
    Task Ping();
}

[GrainType("conflict-a")]
public interface IConflictUnplacedGrain : IGrain
{
    Task Pong();
}

[GrainType("conflict-b")]
[PartitionWith(typeof(ILeadGrain), typeof(BeforeSlash))]
public interface IConflictOtherKeyGrain : IGrain
{
    Task Ping();
}

[GrainType("conflict-b")]
[PartitionWith(typeof(ILeadGrain))]
public interface IConflictSameKeyGrain : IGrain
{
    Task Pong();
}

[GrainType("chained")]
[PartitionWith(typeof(IFollowerGrain))]
public interface IChainedGrain : IGrain
{
    Task Ping();
}

[GrainType("self-placed")]
[PartitionWith(typeof(ISelfPlacedGrain))]
public interface ISelfPlacedGrain : IGrain
{
    Task Ping();
}

[GrainType("bad-key")]
[PartitionWith(typeof(ILeadGrain), typeof(string))]
public interface IBadKeyGrain : IGrain
{
    Task Ping();
}

[GrainType("not-a-grain-anchor")]
[PartitionWith(typeof(IDisposable))]
public interface INotAGrainAnchorGrain : IGrain
{
    Task Ping();
}

[GrainType("abstract-key")]
[PartitionWith(typeof(ILeadGrain), typeof(AbstractKey))]
public interface IAbstractKeyGrain : IGrain
{
    Task Ping();
}

[GrainType("throwing-key")]
[PartitionWith(typeof(ILeadGrain), typeof(ThrowingKey))]
public interface IThrowingKeyGrain : IGrain
{
    Task Ping();
}

public abstract class AbstractKey : IPartitionAnchorKey
{
    public string AnchorOf(string key) => key;
}

public sealed class ThrowingKey : IPartitionAnchorKey
{
    public ThrowingKey() => throw new InvalidOperationException("no key today");

    public string AnchorOf(string key) => key;
}
