using Npgsql;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The activations' state reads on PostgreSQL (ADR 0024): a read after a quiet spell goes at once; reads that follow a
/// query closely wait for the gather window and share one query; each gets its own grain's state.
/// </summary>
public sealed class StateReadBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_read_after_a_quiet_spell_queries_at_once_and_reads_that_follow_closely_share_the_next_query()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("statereads");
        await using var dataSource = await CreateStatesAsync(database,
            "INSERT INTO reev_grain_state VALUES ('step', 'b', 1, 3, '{\"n\":3}'), ('step', 'a', 1, 1, '{\"n\":1}')");
        var clock = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var batcher = new StateReadBatcher(dataSource, clock, stopping.Token);

        // Nothing was read before: the first read does not wait for the (frozen) clock.
        var first = await batcher.ReadAsync(new GrainId("step", "a"), CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(1, first?.Version);
        Assert.Equal(1, batcher.Queries);

        // The clock has not moved since that query ended, so these two wait for the window, then go together.
        var b = batcher.ReadAsync(new GrainId("step", "b"), CancellationToken.None);
        var c = batcher.ReadAsync(new GrainId("step", "c"), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
        Assert.False(b.IsCompleted, "a read that follows a query closely waits for the gather window");
        Assert.Equal(1, batcher.Queries);

        clock.Advance(StateReadBatcher.GatherWindow);
        var read = await Task.WhenAll(b, c).WaitAsync(Patience);
        Assert.Equal(3, read[0]?.Version);
        Assert.Equal("{\"n\":3}", System.Text.Encoding.UTF8.GetString(read[0]!.Utf8!));
        Assert.Null(read[1]);
        Assert.Equal(2, batcher.Queries);

        // After a quiet spell longer than BusyWithin, a read goes at once again.
        clock.Advance(StateReadBatcher.BusyWithin);
        var later = await batcher.ReadAsync(new GrainId("step", "b"), CancellationToken.None).WaitAsync(Patience);
        Assert.Equal(3, later?.Version);
        Assert.Equal(3, batcher.Queries);
    }

    [Fact]
    public async Task A_read_waiting_for_the_window_fails_rather_than_hangs_when_the_store_ends()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("statereads");
        await using var dataSource = await CreateStatesAsync(database, rows: null);
        var clock = new FakeTimeProvider();
        using var stopping = new CancellationTokenSource();
        var batcher = new StateReadBatcher(dataSource, clock, stopping.Token);
        Assert.Null(await batcher.ReadAsync(new GrainId("step", "a"), CancellationToken.None).WaitAsync(Patience));

        var waiting = batcher.ReadAsync(new GrainId("step", "b"), CancellationToken.None);
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        Assert.False(waiting.IsCompleted);
        await stopping.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
    }

    /// <summary>The state table's columns the read uses, with the given rows; a data source on the database.</summary>
    private static async Task<NpgsqlDataSource> CreateStatesAsync(TestDatabase database, string? rows)
    {
        await database.ExecuteInDatabaseAsync("""
            CREATE TABLE reev_grain_state (grain_type text NOT NULL, grain_key text NOT NULL, partition int NOT NULL,
                version bigint NOT NULL, state text NOT NULL, PRIMARY KEY (grain_type, grain_key));
            """ + (rows ?? string.Empty));
        return NpgsqlDataSource.Create(database.ConnectionString);
    }
}
