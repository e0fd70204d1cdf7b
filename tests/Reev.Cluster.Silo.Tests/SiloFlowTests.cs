using System.Diagnostics;
using System.Globalization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>Flows run on silo processes: a SIGTERM'd silo drains and exits within its grace while flows keep completing.</summary>
public sealed class SiloFlowTests
{
    private const int Flows = 60;
    private const int Partitions = 16;

    [Fact]
    public async Task Postgres_SigtermOneOfTwoSilosMidRun_EveryFlowCompletesOnceAndTheSiloExitsWithinGrace()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo flows sigterm");
        var grace = TimeSpan.FromSeconds(10);
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = Partitions.ToString(CultureInfo.InvariantCulture),
            ["REEV__SILO__SHUTDOWNGRACEPERIOD"] = "00:00:10",
            ["REEV__SILO__DRAINTIMEOUT"] = "00:00:05",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var run = Guid.NewGuid().ToString("N")[..6];
        await using var first = SiloProcess.Start(["--silo-id", $"f1-{run}"], environment);
        await using var second = SiloProcess.Start(["--silo-id", $"f2-{run}"], environment);
        await first.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        await second.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));

        await using var client = ClusterClient.Create(
            new ClusterClientOptions { PartitionCount = Partitions },
            ReevSiloBuilder.Provider(database.ConnectionString),
            serializerOptions: ReevGrains.SerializerOptions);
        await client.ConnectAsync(CancellationToken.None);
        var request = new ExecutionRequest
        {
            Document = SyntheticFlows.BalanceChecks(3, "silo-sigterm"),
            Source = FlowSource.Direct,
            Agent = "noop",
            SubmittedBy = "silo tests",
        };
        var ids = Enumerable.Range(0, Flows).Select(i => $"sig-{run}-{i:D3}").ToList();
        var like = $"sig-{run}-%";

        // Half before the stop, half while the first silo drains and after it left.
        foreach (var id in ids.Take(Flows / 2))
        {
            await client.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(request);
        }

        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>($"SELECT count(*) FROM reev_executions WHERE execution_id LIKE '{like}' AND finished_at IS NOT NULL") >= 5,
            TimeSpan.FromSeconds(30),
            "phase 'warm-up': some flows should finish before the stop");
        var stopped = Stopwatch.GetTimestamp();
        first.Terminate();
        foreach (var id in ids.Skip(Flows / 2))
        {
            await client.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(request);
        }

        var code = await first.WaitForExitAsync(grace + TimeSpan.FromSeconds(5));
        var took = Stopwatch.GetElapsedTime(stopped);
        Assert.True(code == 0, $"phase 'stop': the SIGTERM'd silo should drain and exit 0.\n{first}");
        Assert.True(took < grace, $"phase 'stop': exit took {took.TotalSeconds:0.0} s, more than the {grace.TotalSeconds} s grace period.\n{first}");

        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>($"SELECT count(*) FROM reev_executions WHERE execution_id LIKE '{like}' AND finished_at IS NOT NULL") == Flows,
            TimeSpan.FromSeconds(45),
            $"phase 'completion': all {Flows} flows should finish on the remaining silo");
        Assert.Equal(0L, await database.ScalarAsync<long>($"SELECT count(*) FROM reev_executions WHERE execution_id LIKE '{like}' AND status <> 'completed'"));
        Assert.Equal((long)Flows * 3, await database.ScalarAsync<long>($"SELECT count(*) FROM reev_step_sessions WHERE execution_id LIKE '{like}'"));
        Assert.Equal(0L, await database.ScalarAsync<long>($"""
            SELECT count(*) FROM (SELECT execution_id, step_index FROM reev_step_sessions WHERE execution_id LIKE '{like}'
            GROUP BY execution_id, step_index HAVING count(*) > 1 OR max(attempt) > 1) d
            """));
        Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM reev_dead_letters"));
    }
}
