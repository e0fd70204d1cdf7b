using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The PostgreSQL cursor fetch passes over the rows a silo holds already (its own sends, dispatched when they committed)
/// without reading their payloads, and still moves its cursor past them and reads the others whole, in order.
/// </summary>
public sealed class PostgresFetchTests
{
    [Fact]
    public async Task A_fetch_returns_the_rows_not_held_with_their_payloads_and_its_cursor_moves_past_the_held_ones()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("fetch-held");
        var provider = new PostgresClusterProvider(database.ConnectionString);
        await using var store = provider.CreateStore(4, TimeProvider.System, NullLoggerFactory.Instance);
        await store.InitializeAsync(default);
        var messages = Enumerable.Range(0, 10)
            .Select(i => new OutboundMessage(i % 4, "t", $"g{i}", "m", MessageKind.Call, System.Text.Encoding.UTF8.GetBytes($"[{i}]"), null, null))
            .ToList();
        var ids = await store.EnqueueAsync(messages, default);
        var held = ids.Where((_, i) => i % 2 == 0).ToHashSet();
        int[] all = [0, 1, 2, 3];

        // Pages of 4: the first scans ids 0-3 (two held), the second 4-7, the third 8-9 and ends short.
        var first = await FetchSettledAsync(store, all, FetchCursor.Start, 4, held.Contains);
        Assert.True(first.Full);
        Assert.Equal([ids[1], ids[3]], first.Rows.Select(r => r.Id));
        Assert.Equal(["[1]", "[3]"], first.Rows.Select(r => System.Text.Encoding.UTF8.GetString(r.Payload!)));
        Assert.Equal(ids[3], first.Next.Id);

        var second = await store.FetchAsync(all, first.Next, 4, held.Contains, default);
        Assert.True(second.Full);
        Assert.Equal([ids[5], ids[7]], second.Rows.Select(r => r.Id));

        var third = await store.FetchAsync(all, second.Next, 4, held.Contains, default);
        Assert.False(third.Full);
        Assert.Equal([ids[9]], third.Rows.Select(r => r.Id));
        Assert.Equal("[9]", System.Text.Encoding.UTF8.GetString(third.Rows[0].Payload!));
        Assert.Equal(("t", "g9", "m", MessageKind.Call), (third.Rows[0].GrainType, third.Rows[0].GrainKey, third.Rows[0].Method, third.Rows[0].Kind));

        // Nothing held: every row, whole.
        var everything = await store.FetchAsync(all, FetchCursor.Start, 100, _ => false, default);
        Assert.Equal(ids, everything.Rows.Select(r => r.Id));
        Assert.All(everything.Rows, r => Assert.NotNull(r.Payload));
    }

    [Fact]
    public async Task A_row_consumed_between_the_scan_and_the_payload_read_is_not_returned()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("fetch-consumed");
        var provider = new PostgresClusterProvider(database.ConnectionString);
        await using var store = provider.CreateStore(4, TimeProvider.System, NullLoggerFactory.Instance);
        await store.InitializeAsync(default);
        var ids = await store.EnqueueAsync(
            [.. Enumerable.Range(0, 3).Select(i => new OutboundMessage(0, "t", "g", "m", MessageKind.Call, "[]"u8.ToArray(), null, null))], default);

        // The held test runs while the scan reads; the row it is asked about is deleted then, as a consumption would.
        var page = await FetchSettledAsync(store, [0], FetchCursor.Start, 10, id =>
        {
            if (id == ids[1])
            {
                database.ExecuteInDatabaseAsync($"DELETE FROM reev_messages WHERE id = {id}").GetAwaiter().GetResult();
            }

            return false;
        });
        Assert.Equal([ids[0], ids[2]], page.Rows.Select(r => r.Id));
    }

    /// <summary>A fetch returns rows only below the oldest running transaction: retries until the enqueue is past it.</summary>
    private static async Task<FetchPage> FetchSettledAsync(IRuntimeStore store, int[] partitions, FetchCursor after, int max, Func<long, bool> held)
    {
        var deadline = TimeProvider.System.GetTimestamp();
        while (true)
        {
            var page = await store.FetchAsync(partitions, after, max, held, default);
            if (page.Rows.Count > 0 || TimeProvider.System.GetElapsedTime(deadline) > TimeSpan.FromSeconds(10))
            {
                return page;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System);
        }
    }
}
