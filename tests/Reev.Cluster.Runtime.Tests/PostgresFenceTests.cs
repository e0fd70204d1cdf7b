using Npgsql;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The fence at the database's worst moment: an ownership change (claim or release) arriving while a commit of the
/// old owner is between its fence and its COMMIT (migration 004: shared advisory locks per partition for commits,
/// exclusive for changes).
/// </summary>
public sealed class PostgresFenceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_claim_skips_a_partition_whose_commit_is_in_flight_and_a_commit_started_after_the_claim_is_fenced()
    {
        await using var fixture = await Fixture.StartAsync("fence claim");
        await ExecAsync(fixture.DataSource, "UPDATE reev_silos SET lease_expires_at = now() - interval '1 second' WHERE silo_id = 'silo-a'");

        // silo-a's commit on partition 0 has passed its fence and has not committed yet.
        await using var inFlight = await fixture.DataSource.OpenConnectionAsync();
        await using var tx = await inFlight.BeginTransactionAsync();
        await FenceAsync(inFlight, tx, "silo-a", partition: 0, epoch: 1);

        // silo-b claims meanwhile: the three idle partitions, not the one in the commit.
        var first = await ClaimAsync(fixture.DataSource, "silo-b");
        Assert.Equal([1, 2, 3], first.Select(l => l.Partition).Order());
        Assert.Equal(1, await fixture.Database.ScalarAsync<long>("SELECT epoch FROM reev_partitions WHERE partition = 0 AND owner = 'silo-a'"));

        // The commit ends; it proved ownership before any change, so it stands.
        await using (var write = new NpgsqlCommand("INSERT INTO reev_grain_state (grain_type, grain_key, partition, version, state) VALUES ('t', 'k', 0, 1, '{}')", inFlight, tx))
        {
            await write.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();

        // Now the partition moves (new epoch) and silo-a's next commit at the old epoch is refused.
        var second = await ClaimAsync(fixture.DataSource, "silo-b");
        Assert.Equal([(0, 2L)], second);
        await using var late = await fixture.DataSource.OpenConnectionAsync();
        await using var lateTx = await late.BeginTransactionAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => FenceAsync(late, lateTx, "silo-a", partition: 0, epoch: 1));
        Assert.Equal("RV001", refused.SqlState);
    }

    [Fact]
    public async Task A_release_waits_for_the_commit_in_flight_on_its_partition_then_frees_it()
    {
        await using var fixture = await Fixture.StartAsync("fence release");

        await using var inFlight = await fixture.DataSource.OpenConnectionAsync();
        await using var tx = await inFlight.BeginTransactionAsync();
        await FenceAsync(inFlight, tx, "silo-a", partition: 2, epoch: 1);

        var release = Task.Run(async () =>
        {
            await using var cmd = fixture.DataSource.CreateCommand("SELECT reev_release('silo-a', ARRAY[0, 1, 2, 3], ARRAY[1, 1, 1, 1]::bigint[])");
            await cmd.ExecuteNonQueryAsync();
        });

        // The release is blocked on the commit's lock (seen in pg_stat_activity, not guessed from a delay).
        await Eventually.HoldsAsync(
            async () => await fixture.Database.ScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%reev_release%'") == 1,
            Patience,
            "the release should wait for the lock of partition 2");
        Assert.False(release.IsCompleted, "the release must not finish while a commit on its partition is in flight");
        Assert.Equal(4, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'silo-a'"));

        await tx.CommitAsync();
        await release.WaitAsync(Patience);
        Assert.Equal(0, await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner IS NOT NULL"));
    }

    // TestDatabase.ExecuteAsync runs on the server's admin database; these statements are for the test's own.
    private static async Task ExecAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task FenceAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string owner, int partition, long epoch)
    {
        await using var cmd = new NpgsqlCommand("SELECT reev_fence(@o, @p, @e)", connection, tx);
        cmd.Parameters.AddWithValue("o", owner);
        cmd.Parameters.AddWithValue("p", new[] { partition });
        cmd.Parameters.AddWithValue("e", new[] { epoch });
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<(int Partition, long Epoch)>> ClaimAsync(NpgsqlDataSource dataSource, string owner)
    {
        await using var cmd = dataSource.CreateCommand("SELECT partition, epoch FROM reev_claim(@o, 4) ORDER BY partition");
        cmd.Parameters.AddWithValue("o", owner);
        await using var reader = await cmd.ExecuteReaderAsync();
        var leases = new List<(int, long)>();
        while (await reader.ReadAsync())
        {
            leases.Add((reader.GetInt32(0), reader.GetInt64(1)));
        }

        return leases;
    }

    /// <summary>A migrated database of 4 partitions, all owned by a live silo-a at epoch 1.</summary>
    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(TestDatabase database, NpgsqlDataSource dataSource)
        {
            Database = database;
            DataSource = dataSource;
        }

        public TestDatabase Database { get; }

        public NpgsqlDataSource DataSource { get; }

        public static async Task<Fixture> StartAsync(string purpose)
        {
            var database = await TestPostgres.CreateDatabaseAsync(purpose);
            var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            await PostgresMigrator.MigrateAsync(dataSource, 4, [], CancellationToken.None);
            await ExecAsync(dataSource, "INSERT INTO reev_silos (silo_id, status, lease_expires_at) VALUES ('silo-a', 'active', now() + interval '1 hour')");
            var fixture = new Fixture(database, dataSource);
            var owned = await ClaimAsync(dataSource, "silo-a");
            Assert.Equal([(0, 1L), (1, 1L), (2, 1L), (3, 1L)], owned);
            return fixture;
        }

        public async ValueTask DisposeAsync()
        {
            await DataSource.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
