using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>deploy/local: cluster-up.sh starts silo processes and the gateway on a database, silo-kill.sh kills one silo, silo-start.sh restarts it, cluster-down.sh stops them.</summary>
public sealed class LocalClusterScriptTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task ClusterUp_TwoSilos_ReadyThenSiloKillMovesPartitionsSiloStartRejoinsAndClusterDownStopsEverything()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo cluster scripts");
        var dir = Directory.CreateTempSubdirectory("reev-cluster-test-").FullName;
        // Short leases so that the killed silo's partitions move within the test's budget.
        var environment = new Dictionary<string, string>
        {
            ["REEV__SILO__LEASEDURATION"] = "00:00:03",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var up = await ScriptRun.InvokeAsync(
            "local/cluster-up.sh",
            ["--silos", "2", "--dir", dir, "--postgres", database.ConnectionString, "--silo-dll", RepositoryPaths.SiloAssembly,
             "--base-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture), "--partitions", "8", "--grace", "6",
             "--gateway-dll", RepositoryPaths.GatewayAssembly, "--gateway-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(90),
            environment);
        try
        {
            Assert.True(up.ExitCode == 0, $"phase 'cluster-up'.\n{up}");
            Assert.Contains("REEV_SILO_2_URL=", up.StandardOutput, StringComparison.Ordinal);
            using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "cluster.json")));
            var silos = state.RootElement.GetProperty("silos").EnumerateArray().ToList();
            Assert.Equal(2, silos.Count);
            foreach (var silo in silos)
            {
                using var ready = await Http.GetAsync(new Uri(new Uri(silo.GetProperty("url").GetString()!), "/health/ready"));
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            }

            var gateway = state.RootElement.GetProperty("gateway");
            var gatewayUrl = gateway.GetProperty("url").GetString()!;
            var gatewayPid = gateway.GetProperty("pid").GetInt32();
            Assert.Contains($"REEV_GATEWAY_URL='{gatewayUrl}'", up.StandardOutput, StringComparison.Ordinal);
            Assert.StartsWith("http://127.0.0.1:", gatewayUrl, StringComparison.Ordinal);
            using (var health = await Http.GetAsync(new Uri(new Uri(gatewayUrl), "/api/v1/health")))
            {
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"phase 'gateway': /api/v1/health answered {(int)health.StatusCode}.\n{up}");
                Assert.Contains("\"healthy\"", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            var killed = silos[0].GetProperty("pid").GetInt32();
            var survivor = silos[1].GetProperty("pid").GetInt32();
            var kill = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["1", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.True(kill.ExitCode == 0, $"phase 'silo-kill'.\n{kill}");
            await Eventually.HoldsAsync(() => !Alive(killed), TimeSpan.FromSeconds(5), $"silo-1 (pid {killed}) should be dead after SIGKILL");
            await Eventually.HoldsAsync(
                async () => await database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'silo-2'") == 8,
                TimeSpan.FromSeconds(15),
                "phase 'failover': silo-2 should own all 8 partitions once silo-1's lease expired");

            var restart = await ScriptRun.InvokeAsync("local/silo-start.sh", ["1", "--dir", dir], TimeSpan.FromSeconds(60), environment);
            Assert.True(restart.ExitCode == 0, $"phase 'silo-start'.\n{restart}");
            using (var restarted = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "cluster.json"))))
            {
                var pid = restarted.RootElement.GetProperty("silos")[0].GetProperty("pid").GetInt32();
                Assert.NotEqual(killed, pid);
                Assert.True(Alive(pid), $"the restarted silo-1 (pid {pid}) should run.\n{restart}");
                Assert.Contains($"REEV_SILO_1_PID='{pid}'", await File.ReadAllTextAsync(Path.Combine(dir, "cluster.env")), StringComparison.Ordinal);
            }

            await Eventually.HoldsAsync(
                async () => await database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'silo-1'") > 0,
                TimeSpan.FromSeconds(15),
                "phase 'rejoin': the restarted silo-1 should own partitions again");

            // A frozen silo (SIGSTOP, as in a VM pause) loses its partitions when its lease runs out; woken (SIGCONT), it
            // finds them fenced, stays up and takes its share again.
            var stop = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["2", "--stop", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.True(stop.ExitCode == 0, $"phase 'silo-kill --stop'.\n{stop}");
            Assert.Contains("SIGSTOP sent", stop.StandardError, StringComparison.Ordinal);
            await Eventually.HoldsAsync(
                async () => await database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'silo-1'") == 8,
                TimeSpan.FromSeconds(20),
                "phase 'freeze': silo-1 should own all 8 partitions once the frozen silo-2's lease expired");
            var cont = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["2", "--cont", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.True(cont.ExitCode == 0, $"phase 'silo-kill --cont'.\n{cont}");
            await Eventually.HoldsAsync(
                async () => await database.ScalarAsync<long>("SELECT count(*) FROM reev_partitions WHERE owner = 'silo-2'") > 0,
                TimeSpan.FromSeconds(20),
                "phase 'thaw': the woken silo-2 should own partitions again");
            Assert.True(Alive(survivor), "the woken silo-2 should still run");
            var badWait = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["2", "--stop", "--wait", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.Equal(2, badWait.ExitCode);
            Assert.Contains("--wait waits for an exit", badWait.StandardError, StringComparison.Ordinal);

            // cluster-down with silo-2 frozen: it must wake it before its SIGTERM, or silo-2 would hold the signal until the
            // grace period's SIGKILL and never hand over nor leave (the 'left' check below).
            var refreeze = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["2", "--stop", "--dir", dir], TimeSpan.FromSeconds(10));
            Assert.True(refreeze.ExitCode == 0, $"phase 'silo-kill --stop' before cluster-down.\n{refreeze}");
            var down = await ScriptRun.InvokeAsync("local/cluster-down.sh", ["--dir", dir], TimeSpan.FromSeconds(30));
            Assert.True(down.ExitCode == 0, $"phase 'cluster-down'.\n{down}");
            Assert.False(Alive(survivor), $"silo-2 (pid {survivor}) should have stopped.\n{down}");
            Assert.False(Alive(gatewayPid), $"the gateway (pid {gatewayPid}) should have stopped.\n{down}");
            Assert.Contains("gateway (pid", down.StandardError, StringComparison.Ordinal);
            Assert.Contains("silo-2 (pid", down.StandardError, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "cluster.env")));
            Assert.Equal("left", await database.ScalarAsync<string>("SELECT status FROM reev_silos WHERE silo_id = 'silo-2'"));
        }
        finally
        {
            await ScriptRun.InvokeAsync("local/cluster-down.sh", ["--dir", dir], TimeSpan.FromSeconds(30));
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ClusterUp_PortTakenBetweenCheckAndBind_StartsTheSiloAgainOnTheNextFreePort()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo cluster port race");

        // The script checks that the port is free, then starts the silo (its log file appears); the test takes the port in
        // that moment, before the silo's start-up reaches its bind (about a second), as another process could. When the
        // silo is quicker than the test (it bound the port first), the race did not happen: that run is stopped and the
        // scenario tried again on another port.
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var dir = Directory.CreateTempSubdirectory("reev-cluster-port-").FullName;
            var taken = LoopbackPorts.Free();
            var run = ScriptRun.InvokeAsync(
                "local/cluster-up.sh",
                ["--silos", "1", "--dir", dir, "--postgres", database.ConnectionString, "--silo-dll", RepositoryPaths.SiloAssembly,
                 "--base-port", taken.ToString(CultureInfo.InvariantCulture), "--partitions", "4", "--grace", "6", "--no-gateway"],
                TimeSpan.FromSeconds(90));
            try
            {
                await Eventually.HoldsAsync(() => File.Exists(Path.Combine(dir, "silo-1.log")), TimeSpan.FromSeconds(30), "cluster-up should start silo-1");
                using var squatter = new TcpListener(IPAddress.Loopback, taken);
                try
                {
                    squatter.Start();
                }
                catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    await run;
                    continue; // the silo bound it first: no race this time
                }

                var up = await run;
                Assert.True(up.ExitCode == 0, $"cluster-up should start the silo on another port.\n{up}");
                Assert.Contains($"port {taken} was taken", up.StandardError, StringComparison.Ordinal);
                using var state = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "cluster.json")));
                var silo = state.RootElement.GetProperty("silos")[0];
                Assert.NotEqual(taken, silo.GetProperty("port").GetInt32());
                using var ready = await Http.GetAsync(new Uri(new Uri(silo.GetProperty("url").GetString()!), "/health/ready"));
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                return;
            }
            finally
            {
                await run;
                await ScriptRun.InvokeAsync("local/cluster-down.sh", ["--dir", dir], TimeSpan.FromSeconds(30));
                Directory.Delete(dir, recursive: true);
            }
        }

        Assert.Fail("in 5 attempts the silo always bound its port before the test could take it: the race was never reproduced");
    }

    [Fact]
    public async Task ClusterUp_AgainAfterEverySiloDied_StopsThePreviousPrivatePostgres()
    {
        // The first run's private PostgreSQL outlives its silos (killed); a second cluster-up in the same folder must stop
        // it before it removes the data folder, not leave it running orphaned.
        var dir = Directory.CreateTempSubdirectory("reev-cluster-again-").FullName;
        // The private server runs as the postgres user when the tests run as root: it must be able to reach its folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        string[] Args() =>
            ["--silos", "1", "--dir", dir, "--silo-dll", RepositoryPaths.SiloAssembly, "--base-port", LoopbackPorts.Free().ToString(CultureInfo.InvariantCulture),
             "--partitions", "4", "--grace", "6", "--no-gateway"];
        try
        {
            var first = await ScriptRun.InvokeAsync("local/cluster-up.sh", Args(), TimeSpan.FromSeconds(120));
            Assert.True(first.ExitCode == 0, $"phase 'first cluster-up'.\n{first}");
            var postmaster = int.Parse(File.ReadLines(Path.Combine(dir, "postgres", "data", "postmaster.pid")).First(), CultureInfo.InvariantCulture);
            Assert.True(Alive(postmaster), "the first run's PostgreSQL is running");
            // --wait: a SIGKILL'd process is gone only once the kernel has torn it down; a cluster-up in between would
            // rightly find the silo still running (this raced once in a full run).
            var kill = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["1", "--wait", "--dir", dir], TimeSpan.FromSeconds(20));
            Assert.True(kill.ExitCode == 0, $"phase 'silo-kill'.\n{kill}");

            var second = await ScriptRun.InvokeAsync("local/cluster-up.sh", Args(), TimeSpan.FromSeconds(120));

            Assert.True(second.ExitCode == 0, $"phase 'second cluster-up'.\n{second}");
            await Eventually.HoldsAsync(() => !Alive(postmaster), TimeSpan.FromSeconds(20), $"the first run's PostgreSQL (pid {postmaster}) is stopped");
        }
        finally
        {
            await ScriptRun.InvokeAsync("local/cluster-down.sh", ["--dir", dir], TimeSpan.FromSeconds(30));
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    public async Task ClusterUp_GraceTooShortForADrain_FailsSayingSo(string grace)
    {
        var dir = Directory.CreateTempSubdirectory("reev-cluster-grace-").FullName;
        try
        {
            var run = await ScriptRun.InvokeAsync("local/cluster-up.sh", ["--dir", dir, "--grace", grace, "--no-build"], TimeSpan.FromSeconds(10));

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("--grace must be a number of seconds from 4 on", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task ClusterUp_PrivatePostgresFailsToStart_StopsThereSayingSoAndStartsNoSilo()
    {
        var dir = Directory.CreateTempSubdirectory("reev-cluster-nopg-").FullName;
        try
        {
            // --no-build with a silo build that does not exist: had the script gone on, it would have failed later, saying so.
            var run = await ScriptRun.InvokeAsync(
                "local/cluster-up.sh",
                ["--dir", dir, "--silos", "1", "--no-gateway", "--silo-dll", Path.Combine(dir, "no-such-silo.dll")],
                TimeSpan.FromSeconds(30),
                new Dictionary<string, string> { ["REEV_PG_BIN_DIR"] = Path.Combine(dir, "no-postgres-here") });

            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Contains("holds no PostgreSQL server binaries", run.StandardError, StringComparison.Ordinal);
            Assert.Contains("the private PostgreSQL did not start", run.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("no silo build", run.StandardError, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dir, "cluster.env")), "no cluster state is written");
            Assert.Empty(Directory.GetFiles(dir, "silo-*.log"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task SiloKill_WithoutCluster_ExitsTwoSayingSo()
    {
        var dir = Directory.CreateTempSubdirectory("reev-cluster-none-").FullName;
        try
        {
            var run = await ScriptRun.InvokeAsync("local/silo-kill.sh", ["1", "--dir", dir], TimeSpan.FromSeconds(10));

            Assert.True(run.ExitCode == 2, run.ToString());
            Assert.Contains("no cluster state", run.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Running and not a zombie: the silos are orphans of cluster-up.sh, reaped by whoever adopted them.</summary>
    private static bool Alive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
