using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>A client that hosts no grains talks to the cluster through its store only.</summary>
public sealed class ClusterClientTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_remote_client_sends_and_asks_through_postgresql_and_gets_errors_as_replies()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2);
        await using var client = ClusterClient.Create(
            new ClusterClientOptions { PartitionCount = TestCluster.FastOptions().PartitionCount },
            new PostgresClusterProvider(handle.Database!.ConnectionString));
        await client.ConnectAsync(default);
        var keys = Enumerable.Range(0, 20).Select(i => $"remote-{i}").ToList();

        await Clusters.SendIncrementsAsync(client.GrainFactory, keys, perGrain: 5);
        var states = await Task.WhenAll(keys.Select(k => client.GrainFactory.GetGrain<ICounterGrain>(k).Read()));
        var failure = await Assert.ThrowsAsync<GrainInvocationException>(() => client.GrainFactory.GetGrain<IUnregisteredGrain>("x").Echo(1));

        Assert.All(states, s =>
        {
            Assert.Equal(5, s.Count);
            Assert.Equal(0, s.Gaps + s.Repeats);
        });
        Assert.Contains("Unknown grain type 'UnregisteredGrain'", failure.Message, StringComparison.Ordinal);
        Assert.Equal(0, await handle.Database.ScalarAsync<long>("SELECT count(*) FROM reev_replies"));
    }

    [Fact]
    public async Task A_client_with_another_partition_count_than_the_cluster_is_refused()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output);
        await using var client = ClusterClient.Create(
            new ClusterClientOptions { PartitionCount = TestCluster.FastOptions().PartitionCount + 1 },
            new PostgresClusterProvider(handle.Database!.ConnectionString));

        var ex = await Assert.ThrowsAsync<ClusterConfigurationException>(() => client.ConnectAsync(default));

        Assert.Contains("PartitionCount", ex.Message, StringComparison.Ordinal);
    }
}
