using Reev.Cluster.GrainInterfaces;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// An execution's inputs row stays in its table's pages, compressed, with its id (grains' migration 104): about 2.1 KB
/// compressed, it was just past the 2 KB at which PostgreSQL moves a value out of line, into the TOAST table.
/// </summary>
public sealed class ExecutionInputsStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Inputs_that_compress_past_2_KB_stay_in_the_row_with_the_execution_id()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output);
        var view = await host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit")));
        Assert.Equal(ExecutionStatus.Completed, view.Status);
        var db = host.Database!;
        // 6,400 hexadecimal characters do not compress: past the 2 KB threshold, well within a page.
        await db.ExecuteInDatabaseAsync($"""
            INSERT INTO reev_execution_inputs (execution_id, inputs)
            SELECT 'exec-{Guid.NewGuid():N}', string_agg(md5(i::text), '') FROM generate_series(1, 200) AS i
            """);

        var sizes = await db.ScalarAsync<string>("SELECT string_agg(pg_column_size(inputs)::text, ',' ORDER BY pg_column_size(inputs)) FROM reev_execution_inputs");
        var outOfLine = await db.CountOutOfLineChunksAsync("reev_execution_inputs");

        output.WriteLine($"inputs stored as {sizes} bytes");
        Assert.All(sizes.Split(','), s => Assert.True(int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) > 2032, $"an inputs value of {s} bytes is not past the threshold"));
        Assert.Equal(0, outOfLine);
    }
}
