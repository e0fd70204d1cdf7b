using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>The silo process co-hosts the API gateway (on by default, off with Reev:Silo:Gateway:Enabled=false).</summary>
public sealed class SiloGatewayTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task NoConfiguration_ServesTheGatewayAndRunsADirectFlowToCompletion()
    {
        await using var silo = SiloProcess.Start([]);
        await silo.WaitUntilReadyAsync(StartTimeout);

        using (var health = await JsonAsync(silo, "/api/v1/health"))
        {
            Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
        }

        // One set of probes, the silo's own (its body names the silo and the provider).
        using (var ready = await JsonAsync(silo, "/health/ready"))
        {
            Assert.Equal("memory", ready.RootElement.GetProperty("provider").GetString());
        }

        var id = await SubmitDirectAsync(silo.Address, "swap 0.5 SOL to USDC then lend it");
        var final = await WaitFinalAsync(silo.Address, id, TimeSpan.FromSeconds(30));
        Assert.True(final == "completed", $"execution {id} ended as {final}.\n{silo}");
    }

    [Fact]
    public async Task GatewayDisabled_ApiIsNotFoundWhileProbesAnswer()
    {
        await using var silo = SiloProcess.Start([], new Dictionary<string, string> { ["REEV__SILO__GATEWAY__ENABLED"] = "false" });
        await silo.WaitUntilReadyAsync(StartTimeout);

        Assert.Equal(HttpStatusCode.OK, await silo.GetStatusAsync("/health/ready"));
        Assert.Equal(HttpStatusCode.OK, await silo.GetStatusAsync("/health/live"));
        Assert.Equal(HttpStatusCode.NotFound, await silo.GetStatusAsync("/api/v1/health"));
        Assert.Equal(HttpStatusCode.NotFound, await silo.GetStatusAsync("/api/v1/executions"));
    }

    [Fact]
    public async Task BenchmarksSwitch_ListsTheFlowFilesOfThatFolder()
    {
        var dir = Directory.CreateTempSubdirectory("reev-silo-benchmarks-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(dir, "901-silo-balance.yml"), SyntheticFlows.BalanceChecksYaml(2, "901-silo-balance"));
            await using var silo = SiloProcess.Start(["--benchmarks", dir, "--gateway", "true"]);
            await silo.WaitUntilReadyAsync(StartTimeout);

            using var list = await JsonAsync(silo, "/api/v1/benchmarks");
            var ids = list.RootElement.EnumerateArray().Select(b => b.GetProperty("id").GetString()).ToList();
            Assert.Equal(["901-silo-balance"], ids);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Postgres_TwoSiloHostsEachServeTheGateway_AnExecutionPostedToOneIsReadFromTheOther()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo gateway pair");
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = "16",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var run = Guid.NewGuid().ToString("N")[..6];
        await using var first = SiloProcess.Start(["--silo-id", $"g1-{run}"], environment);
        await using var second = SiloProcess.Start(["--silo-id", $"g2-{run}"], environment);
        await first.WaitUntilReadyAsync(StartTimeout);
        await second.WaitUntilReadyAsync(StartTimeout);

        var id = await SubmitDirectAsync(first.Address, "swap 0.5 SOL to USDC");
        var final = await WaitFinalAsync(second.Address, id, TimeSpan.FromSeconds(90));

        Assert.True(final == "completed", $"execution {id} (posted to the first silo) read from the second as {final}.\n{first}\n{second}");
        // One of the two silos does not own the execution grain: its read is an ask answered by the other process
        // (through the store's reply table), so reading from both covers the cross-process ask whatever the placement.
        var fromFirst = await WaitFinalAsync(first.Address, id, TimeSpan.FromSeconds(30));
        Assert.True(fromFirst == "completed", $"execution {id} read from the first silo as {fromFirst}.\n{first}\n{second}");
        using var health = await JsonAsync(second, "/api/v1/health");
        Assert.Equal("healthy", health.RootElement.GetProperty("status").GetString());
    }

    private static async Task<JsonDocument> JsonAsync(SiloProcess silo, string path)
    {
        using var response = await Http.GetAsync(new Uri(silo.Address, path));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}\n{silo}");
        return JsonDocument.Parse(body);
    }

    private static async Task<string> SubmitDirectAsync(Uri gateway, string prompt)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(gateway, "/api/v1/benchmarks/execute-direct"), new { prompt });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST execute-direct: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("execution_id").GetString()!;
    }

    /// <summary>Polls GET /api/v1/executions/{id} until it is final; the final status.</summary>
    private static async Task<string> WaitFinalAsync(Uri gateway, string id, TimeSpan timeout)
    {
        string? status = null;
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    try
                    {
                        using var response = await Http.GetAsync(new Uri(gateway, $"/api/v1/executions/{id}"));
                        var body = await response.Content.ReadAsStringAsync();
                        if (response.StatusCode != HttpStatusCode.OK)
                        {
                            status = $"HTTP {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}";
                            return false;
                        }

                        using var json = JsonDocument.Parse(body);
                        status = json.RootElement.GetProperty("status").GetString();
                        return json.RootElement.GetProperty("is_final").GetBoolean();
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        // A poll lost to a loaded machine (connection reset, client timeout): the next one asks again.
                        status = ex.GetType().Name;
                        return false;
                    }
                },
                timeout,
                string.Create(CultureInfo.InvariantCulture, $"execution {id} should be final on {gateway}"));
        }
        catch (TimeoutException ex)
        {
            // The last answer seen, not the one when the wait began.
            throw new TimeoutException($"{ex.Message} (last status {status ?? "none"})", ex);
        }

        return status!;
    }
}
