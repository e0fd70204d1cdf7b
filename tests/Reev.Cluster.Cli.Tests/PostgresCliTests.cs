using Reev.Cluster.TestKit;

namespace Reev.Cluster.Cli.Tests;

/// <summary><c>--postgres</c>: the same command on a silo over PostgreSQL (a fresh database per test, from ./test.sh's server).</summary>
public sealed class PostgresCliTests
{
    [Fact]
    public async Task Run_OnPostgres_PassesAndRecordsTheExecutionInTheReadModels()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli run on postgres");

        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--postgres", database.ConnectionString, "--json"], TimeSpan.FromSeconds(120));

        Assert.True(run.ExitCode == 0, $"001-sol-transfer on the PostgreSQL provider should pass; a failed step or consolidation below points at the grains or the provider.\n{run}");
        var json = run.Json();
        Assert.Equal(1.0, json.GetProperty("score").GetProperty("final").GetDouble());
        var id = json.GetProperty("execution_id").GetString()!;
        Assert.Equal("completed", await database.ScalarAsync<string>($"SELECT status FROM reev_executions WHERE execution_id = '{id}'"));
        Assert.Equal("completed", await database.ScalarAsync<string>($"SELECT status FROM reev_consolidated_sessions WHERE execution_id = '{id}'"));
    }

    [Fact]
    public async Task Run_OnAClusterOfOtherThan256Partitions_JoinsItWithItsCount()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cli run 16 partitions");
        // The cluster's database was made by silos of 16 partitions (cluster-up.sh --partitions 16 does this).
        await using (var first = Reev.Cluster.Grains.Hosting.ReevSiloBuilder.Create(
            Reev.Cluster.Grains.Hosting.ReevSiloBuilder.Provider(database.ConnectionString), new Reev.Cluster.Runtime.SiloOptions { PartitionCount = 16 }))
        {
            await first.StartAsync(CancellationToken.None);
            await first.StopAsync(CancellationToken.None);
        }

        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--postgres", database.ConnectionString, "--json"], TimeSpan.FromSeconds(120));

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task Run_UnreachablePostgres_ExitsThreeWithClusterUnavailable()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--postgres", "Host=127.0.0.1;Port=1;Username=reev;Database=reev;Timeout=3", "--json"]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("cluster_unavailable", run.Json().GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Run_MalformedConnectionString_ExitsTwo()
    {
        var run = await CliRun.InvokeAsync(["run", BenchmarkFiles.PathOf("001-sol-transfer"), "--postgres", "not a connection string", "--json"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("invalid_postgres", run.Json().GetProperty("error").GetProperty("code").GetString());
    }
}
