using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// How the PostgreSQL provider lays out what it writes at every turn (migrations 005 and 007), keeps its queue tables
/// small (ADR 0010), and treats writes the database refuses.
/// </summary>
public sealed class PostgresStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task State_rows_keep_room_for_heap_only_updates_and_stay_inline()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output);
        var key = $"storage-{Guid.NewGuid():N}";
        var counter = handle.Client.GetGrain<ICounterGrain>(key);
        for (var i = 1; i <= 5; i++)
        {
            await counter.Increment(i);
        }

        Assert.Equal(5, (await counter.Read()).Count);
        Assert.Equal("fillfactor=50", await handle.Database!.ScalarAsync<string>(
            "SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'reev_grain_state'"));
        Assert.Equal("m", await handle.Database!.ScalarAsync<string>(
            "SELECT attstorage::text FROM pg_attribute WHERE attrelid = 'reev_grain_state'::regclass AND attname = 'state'"));
        Assert.Equal(5, await handle.Database!.ScalarAsync<long>($"SELECT version FROM reev_grain_state WHERE grain_key = '{key}'")); // one row, rewritten per turn
    }

    [Fact]
    public async Task A_state_past_2_KB_compressed_stays_in_its_row_with_its_key()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output);
        var key = $"storage-{Guid.NewGuid():N}"; // 40 characters: a key PostgreSQL would move out of line if it could
        var notebook = handle.Client.GetGrain<INotebookGrain>(key);
        for (var i = 0; i < 4; i++)
        {
            // Hexadecimal digests barely compress: about 1.3 KB of state a turn, so the last writes pass the 2 KB threshold.
            await notebook.Add(string.Concat(Enumerable.Range(0, 40).Select(j => Convert.ToHexString(Guid.NewGuid().ToByteArray()))));
        }

        Assert.Equal(4, (await notebook.Read()).Count); // an ask after the one-way adds: they are all committed

        var stored = await handle.Database!.ScalarAsync<int>($"SELECT pg_column_size(state) FROM reev_grain_state WHERE grain_key = '{key}'");
        var outOfLine = await handle.Database!.CountOutOfLineChunksAsync("reev_grain_state");

        Assert.True(stored > 2032, $"the state is {stored} bytes in the row, not past the threshold");
        Assert.Equal(0, outOfLine);
    }

    [Fact]
    public async Task A_consuming_silo_reclaims_the_room_of_consumed_messages_and_an_idle_one_does_not()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, configure: o => o.QueueReclaimInterval = TimeSpan.FromMilliseconds(100));
        const string Vacuums = "SELECT pg_stat_get_vacuum_count('reev_messages'::regclass)"; // manual VACUUMs only, not autovacuum's
        var keys = Enumerable.Range(0, 20).Select(i => $"reclaim-{i}").ToList();
        await Clusters.SendIncrementsAsync(handle.Client, keys, perGrain: 20);

        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>(Vacuums) >= 1,
            TimeSpan.FromSeconds(20),
            "the silo vacuumed the queue table after consuming");

        // A vacuum can run while the last messages are still being consumed (every 100 ms here): wait for the queue to drain.
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            TimeSpan.FromSeconds(20),
            "every message is consumed");

        // Idle: the last consumed messages get their reclaim within a period or two, then nothing more runs. The count
        // is read until it stays put for 2 s (twenty reclaim periods; PostgreSQL's statistics reach other sessions up to
        // a second late, so one late increment is no failure), which an idle silo vacuuming every period never does.
        var last = await handle.Database!.ScalarAsync<long>(Vacuums);
        var stableSince = TimeProvider.System.GetTimestamp();
        await Eventually.HoldsAsync(
            async () =>
            {
                var now = await handle.Database!.ScalarAsync<long>(Vacuums);
                if (now != last)
                {
                    last = now;
                    stableSince = TimeProvider.System.GetTimestamp();
                }

                return TimeProvider.System.GetElapsedTime(stableSince) >= TimeSpan.FromSeconds(2);
            },
            TimeSpan.FromSeconds(20),
            "the idle silo stops vacuuming the queue table (its vacuum count stays put for 2 s)");
    }

    [Fact]
    public async Task A_vacuum_of_the_drained_queue_keeps_its_pages_instead_of_locking_the_table_to_truncate_them()
    {
        // Truncating a table's empty end takes its ACCESS EXCLUSIVE lock, which every enqueue, fetch and commit then
        // waits behind (ADR 0021). A queue drains to its end all the time, so its tables are set not to be truncated.
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, configure: o => o.QueueReclaimInterval = TimeSpan.Zero);
        var keys = Enumerable.Range(0, 20).Select(i => $"no-truncate-{i}").ToList();
        await Clusters.SendIncrementsAsync(handle.Client, keys, perGrain: 20);
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            TimeSpan.FromSeconds(20),
            "every message is consumed");
        var pages = await handle.Database!.ScalarAsync<long>("SELECT pg_relation_size('reev_messages')");
        Assert.True(pages > 0, "the queue table held the 400 messages before they were consumed");

        // Every row is dead and nothing else holds the table: a VACUUM allowed to truncate would cut the table to nothing.
        await handle.Database!.ExecuteInDatabaseAsync("VACUUM reev_messages, reev_reminders, reev_replies");

        Assert.Equal(pages, await handle.Database!.ScalarAsync<long>("SELECT pg_relation_size('reev_messages')"));
        foreach (var table in new[] { "reev_messages", "reev_reminders", "reev_replies" })
        {
            Assert.Equal("vacuum_truncate=false", await handle.Database!.ScalarAsync<string>(
                $"SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = '{table}'"));
        }
    }

    [Fact]
    public async Task Reclaiming_can_be_turned_off()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, configure: o => o.QueueReclaimInterval = TimeSpan.Zero);
        var keys = Enumerable.Range(0, 10).Select(i => $"no-reclaim-{i}").ToList();
        await Clusters.SendIncrementsAsync(handle.Client, keys, perGrain: 10);
        foreach (var key in keys)
        {
            Assert.Equal(10, (await handle.Client.GetGrain<ICounterGrain>(key).Read()).Count);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System);
        Assert.Equal(0, await handle.Database!.ScalarAsync<long>("SELECT pg_stat_get_vacuum_count('reev_messages'::regclass)"));
    }

    [Fact]
    public async Task A_turn_whose_writes_the_database_refuses_is_dead_lettered_and_the_turns_committed_with_it_are_not()
    {
        // A reminder name with NUL: PostgreSQL's text refuses it (22021), so the commit that carries the turn fails
        // however often it is tried. The silo halves the batch until that turn fails alone, counts it as a failed
        // attempt and dead-letters it; every other turn commits once.
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output);
        var bad = Enumerable.Range(0, 5).Select(i => $"refused-{i}-{Guid.NewGuid():N}").ToList();
        var keys = Enumerable.Range(0, 40).Select(i => $"beside-refused-{i}").ToList();

        var stream = Clusters.SendIncrementsAsync(handle.Client, keys, perGrain: 25);
        foreach (var key in bad)
        {
            await handle.Client.GetGrain<IReminderGrain>(key).Schedule("bad\0name", 60_000, 0);
        }

        await stream;
        var silo = handle.Cluster.Silos[0];
        await Eventually.HoldsAsync(
            async () => (await silo.GetDeadLettersAsync(100, default)).Count(d => bad.Contains(d.GrainKey)) == bad.Count,
            TimeSpan.FromSeconds(30),
            "every refused turn is dead-lettered");
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            TimeSpan.FromSeconds(30),
            "nothing is left in the queue");

        Assert.All(
            (await silo.GetDeadLettersAsync(100, default)).Where(d => bad.Contains(d.GrainKey)),
            d =>
            {
                Assert.Equal("Schedule", d.Method);
                Assert.Equal(TestCluster.FastOptions().MaxAttempts, d.Attempts);
                Assert.Contains("refused the writes (22021)", d.Error, StringComparison.Ordinal);
            });
        foreach (var key in keys)
        {
            var state = await handle.Client.GetGrain<ICounterGrain>(key).Read();
            Assert.Equal(25, state.Count);
            Assert.Equal(0, state.Repeats);
            Assert.Equal(0, state.Gaps);
        }

        Assert.Equal(0, await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_reminders"));
    }

    [Fact]
    public async Task Replies_nobody_read_for_ten_minutes_are_deleted_and_fresh_ones_kept()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, configure: o => o.QueueReclaimInterval = TimeSpan.FromMilliseconds(100));
        var orphan = Guid.NewGuid();
        var fresh = Guid.NewGuid();
        await handle.Database!.ScalarAsync<long>(
            $"WITH i AS (INSERT INTO reev_replies (request_id, client_id, payload, created_at) VALUES ('{orphan}', 'exited-client', '1', now() - interval '11 minutes'), ('{fresh}', 'waiting-client', '2', now()) RETURNING 1) SELECT count(*) FROM i");
        await Clusters.SendIncrementsAsync(handle.Client, ["replies-1", "replies-2"], perGrain: 10); // a consuming silo reclaims

        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_replies WHERE request_id = '{orphan}'") == 0,
            TimeSpan.FromSeconds(20),
            "the orphaned reply is deleted");
        Assert.Equal(1, await handle.Database!.ScalarAsync<long>($"SELECT count(*) FROM reev_replies WHERE request_id = '{fresh}'"));
    }
}
