using Npgsql;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// What the turn commit relies on from PostgreSQL and Npgsql: a batch without BEGIN runs as one implicit transaction,
/// so a <c>SET LOCAL</c> in it holds for the statements after it and ends with the batch (the commit sets generic plans
/// for its last statement, the state write, and sets nothing back).
/// </summary>
public sealed class PostgresBatchSemanticsTests
{
    [Fact]
    public async Task A_SET_LOCAL_in_a_batch_holds_for_the_statements_after_it_and_ends_with_the_batch()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("batch");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();

        string inBatch;
        await using (var batch = new NpgsqlBatch(connection))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT current_setting('plan_cache_mode') AS mode"));
            await using var reader = await batch.ExecuteReaderAsync();
            string? seen = null;
            do
            {
                if (reader.FieldCount == 1 && reader.GetName(0) == "mode" && await reader.ReadAsync())
                {
                    seen = reader.GetString(0);
                }
            }
            while (await reader.NextResultAsync());

            inBatch = seen ?? "no result";
        }

        await using var after = new NpgsqlCommand("SELECT current_setting('plan_cache_mode')", connection);
        var afterBatch = (string?)await after.ExecuteScalarAsync();

        Assert.Equal("force_generic_plan", inBatch);
        Assert.Equal("auto", afterBatch);
    }
}
