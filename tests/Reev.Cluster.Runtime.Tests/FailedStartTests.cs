using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// A silo whose start is stopped after it joined (a SIGTERM while the start runs, or a failure after its claim committed)
/// hands over what it holds and leaves, as a graceful stop does: the next silo does not wait out its leases.
/// </summary>
public sealed class FailedStartTests
{
    [Fact]
    public async Task A_start_stopped_after_its_claim_committed_leaves_no_lease_and_no_member_behind()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("failed start");
        // Leases far longer than the test's deadline: a partition left to expire would show as a timeout below.
        var options = TestCluster.FastOptions();
        options.LeaseDuration = TimeSpan.FromSeconds(60);
        options.SiloId = "stopped-at-start";
        var stopped = Silo.Create(options, new ClaimThenStop(new PostgresClusterProvider(database.ConnectionString)), Clusters.Grains());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopped.StartAsync(default));
        await stopped.DisposeAsync();

        var next = TestCluster.FastOptions();
        next.LeaseDuration = TimeSpan.FromSeconds(60);
        next.SiloId = "next";
        await using var silo = Silo.Create(next, new PostgresClusterProvider(database.ConnectionString), Clusters.Grains());
        await silo.StartAsync(default);

        // Its first balance claims every partition: none is held by the stopped silo, and it is not counted as live.
        Assert.Equal(next.PartitionCount, silo.OwnedPartitions.Count);
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'stopped-at-start'"));
        Assert.Equal(0, await database.ScalarAsync<long>("SELECT count(*) FROM reev_silos WHERE silo_id = 'stopped-at-start' AND status <> 'left'"));
        var counter = silo.GrainFactory.GetGrain<Grains.ICounterGrain>("after");
        await counter.Increment(1);
        Assert.Equal(1, (await counter.Read()).Count);
    }

    /// <summary>The database's store, whose claim commits and then reports a cancellation, as a SIGTERM during it does.</summary>
    private sealed class ClaimThenStop(ClusterProvider inner) : ClusterProvider
    {
        internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory) =>
            new Store(inner.CreateStore(partitionCount, timeProvider, loggerFactory));

        private sealed class Store(IRuntimeStore store) : DelegatingRuntimeStore(store)
        {
            public override async Task<IReadOnlyList<(PartitionLease Lease, bool Expired)>> ClaimTakingOverAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken)
            {
                var claimed = await base.ClaimTakingOverAsync(siloId, incarnation, count, cancellationToken);
                Assert.NotEmpty(claimed);
                throw new OperationCanceledException("stopped while the claim's answer was on its way");
            }
        }
    }
}
