using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>How the PostgreSQL provider lays out what it writes at every turn (migrations 005 and 007).</summary>
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
}
