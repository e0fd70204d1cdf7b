using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>
/// The issue's acceptance: the local cluster script starts 3 silos and a gateway, 200 flows go through the gateway,
/// one silo is SIGKILLed mid-run, and all 200 finish with nothing lost or duplicated.
/// </summary>
public sealed class LocalClusterGatewayTests
{
    private const int Flows = 200;
    private const int Steps = 2;
    private const string Benchmark = "920-cluster-noop";

    [Fact]
    public async Task ClusterUp_200FlowsThroughTheGatewayWhileASiloIsSigkilled_AllFinishOnceWithEveryStepRunOnce()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("cluster gateway 200");
        var dir = Directory.CreateTempSubdirectory("reev-cluster-gateway-").FullName;
        var flows = Directory.CreateDirectory(Path.Combine(dir, "flows")).FullName;
        await File.WriteAllTextAsync(Path.Combine(flows, Benchmark + ".yml"), SyntheticFlows.BalanceChecksYaml(Steps, Benchmark));
        var environment = new Dictionary<string, string>
        {
            // Short leases: the killed silo's partitions move within the test's budget.
            ["REEV__SILO__LEASEDURATION"] = "00:00:03",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
            ["REEV__GATEWAY__BENCHMARKSDIRECTORY"] = flows,
            // One client address sends 200 submissions and the polls: far above the default 600 a minute.
            ["REEV__GATEWAY__RATELIMITPERMITS"] = "1000000",
        };
        var up = await ScriptRun.InvokeAsync(
            "local/cluster-up.sh",
            ["--silos", "3", "--dir", dir, "--postgres", database.ConnectionString, "--silo-dll", RepositoryPaths.SiloAssembly,
             "--gateway-dll", RepositoryPaths.GatewayAssembly, "--base-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
             "--gateway-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "--partitions", "16", "--grace", "6"],
            TimeSpan.FromSeconds(120),
            environment);
        try
        {
            Assert.True(up.ExitCode == 0, $"phase 'cluster-up'.\n{up}");
            var gatewayUrl = up.StandardOutput.Split('\n').Single(l => l.StartsWith("REEV_GATEWAY_URL=", StringComparison.Ordinal))["REEV_GATEWAY_URL=".Length..].Trim('\'');
            using var http = new HttpClient { BaseAddress = new Uri(gatewayUrl), Timeout = TimeSpan.FromSeconds(15) };
            var gateway = new ReevGatewayClient(http);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            var ct = deadline.Token;

            // Half before the kill, once some flows have finished; the other half while the dead silo's leases run out.
            var ids = new ConcurrentDictionary<int, string>();
            await SubmitAsync(gateway, Enumerable.Range(0, Flows / 2), ids, ct);
            await Eventually.HoldsAsync(
                async () => await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE finished_at IS NOT NULL", ct) >= 5,
                TimeSpan.FromSeconds(30),
                "phase 'warm-up': some flows should finish before the kill");
            var kill = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["2", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.True(kill.ExitCode == 0, $"phase 'silo-kill'.\n{kill}");
            var finishedAtKill = await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions WHERE finished_at IS NOT NULL", ct);
            await SubmitAsync(gateway, Enumerable.Range(Flows / 2, Flows / 2), ids, ct);
            Assert.Equal(Flows, ids.Values.Distinct(StringComparer.Ordinal).Count());

            // Every execution final, read through the gateway (GET /api/v1/executions/{id}).
            var pending = new HashSet<string>(ids.Values, StringComparer.Ordinal);
            var finals = new Dictionary<string, GatewayExecution>(StringComparer.Ordinal);
            await Eventually.HoldsAsync(
                async () =>
                {
                    foreach (var id in pending.ToList())
                    {
                        var read = await gateway.GetExecutionAsync(id, ct);
                        if (read is { IsSuccess: true, Value.IsFinal: true })
                        {
                            finals[id] = read.Value;
                            pending.Remove(id);
                        }
                    }

                    return pending.Count == 0;
                },
                TimeSpan.FromSeconds(90),
                $"phase 'completion': all {Flows} flows should finish after silo-2's SIGKILL ({finishedAtKill} had finished at the kill); still pending: {string.Join(", ", pending.Take(5))}");

            Assert.True(finishedAtKill < Flows, "the kill should come while flows are still running");
            foreach (var (id, execution) in finals)
            {
                Assert.True(execution.Status == ExecutionStatus.Completed, $"execution {id} ended as {execution.Status}: {execution.ErrorMessage}");
                Assert.Equal(Enumerable.Range(execution.Steps.Min(s => s.Index), Steps), execution.Steps.Select(s => s.Index).Order());
                Assert.All(execution.Steps, s => Assert.True(s.Attempts <= 1, $"execution {id} step {s.Index} ran {s.Attempts} times"));
                // The step sessions (GET /api/v1/flows/{id}/sessions): one per step, none re-run.
                using var response = await http.GetAsync(new Uri($"/api/v1/flows/{id}/sessions", UriKind.Relative), ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                Assert.True(response.IsSuccessStatusCode, $"sessions of {id}: {(int)response.StatusCode} {body}");
                using var sessions = JsonDocument.Parse(body);
                var list = sessions.RootElement.GetProperty("sessions").EnumerateArray()
                    .Select(s => (Id: s.GetProperty("session_id").GetString(), Step: s.GetProperty("step_index").GetInt32(), Attempt: s.GetProperty("attempt").GetInt32()))
                    .ToList();
                Assert.True(list.Count == Steps && list.Select(s => s.Step).Distinct().Count() == Steps, $"execution {id}: sessions {string.Join(", ", list.Select(s => $"{s.Id}#{s.Attempt}"))}");
                Assert.All(list, s => Assert.True(s.Attempt <= 1, $"session {s.Id} attempt {s.Attempt}"));
            }

            // Nothing duplicated or parked behind the API either.
            Assert.Equal((long)Flows, await database.ScalarAsync<long>("SELECT count(*) FROM reev_executions", ct));
            Assert.Equal((long)Flows * Steps, await database.ScalarAsync<long>("SELECT count(*) FROM reev_step_sessions", ct));
            Assert.Equal(0L, await database.ScalarAsync<long>("SELECT count(*) FROM reev_dead_letters", ct));
        }
        finally
        {
            var down = await ScriptRun.InvokeAsync("local/cluster-down.sh", ["--dir", dir], TimeSpan.FromSeconds(30));
            Directory.Delete(dir, recursive: true);
            Assert.True(down.ExitCode == 0, $"phase 'cluster-down'.\n{down}");
        }
    }

    /// <summary>POSTs /api/v1/benchmarks/{id}/run, a few at a time; a lost answer is retried with the same Idempotency-Key.</summary>
    private static Task SubmitAsync(ReevGatewayClient gateway, IEnumerable<int> indexes, ConcurrentDictionary<int, string> ids, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(indexes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"acceptance-{i:D3}");
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var accepted = await gateway.RunBenchmarkAsync(Benchmark, new { agent = "noop" }, key, ct);
                    Assert.True(accepted.IsSuccess, $"submission {i}: {accepted.Problem}");
                    ids[i] = accepted.Value!.ExecutionId;
                    return;
                }
                catch (Exception ex) when (attempt < 3 && ex is HttpRequestException or TaskCanceledException or JsonException && !ct.IsCancellationRequested)
                {
                    // The same key returns the same execution: a retry never submits twice.
                }
            }
        });
}
