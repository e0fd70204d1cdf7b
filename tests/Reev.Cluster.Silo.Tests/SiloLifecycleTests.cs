using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>A running silo process: health endpoints, configuration sources, graceful stop on SIGTERM with hand-over.</summary>
public sealed class SiloLifecycleTests
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InMemory_BecomesReady_HealthEndpointsAnswerAndSigtermExitsZero()
    {
        var id = $"mem-{Guid.NewGuid():N}"[..12];
        await using var silo = SiloProcess.Start(["--silo-id", id], new Dictionary<string, string>
        {
            // Environment variables use the REEV__SECTION__KEY form; the provider comes from here, not the command line.
            ["REEV__SILO__PROVIDER"] = "memory",
            ["REEV__SILO__PARTITIONCOUNT"] = "8",
            ["REEV__SILO__LOGFORMAT"] = "json",
        });

        await silo.WaitUntilReadyAsync(ReadyTimeout);

        Assert.Equal(HttpStatusCode.OK, await silo.GetStatusAsync("/health/live"));
        using var ready = JsonDocument.Parse(await silo.GetStringAsync("/health/ready"));
        Assert.Equal("ready", ready.RootElement.GetProperty("status").GetString());
        Assert.Equal(id, ready.RootElement.GetProperty("silo").GetString());
        Assert.Equal("memory", ready.RootElement.GetProperty("provider").GetString());
        Assert.Equal(8, ready.RootElement.GetProperty("owned_partitions").GetInt32());
        // The container HEALTHCHECK: the same binary probes the running silo on the configured port.
        await using (var probe = await SiloProcess.RunToExitAsync(["--probe", "ready", "--port", silo.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(20)))
        {
            Assert.True(probe.ExitCode == 0, probe.ToString());
        }

        silo.Terminate();
        var code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(code == 0, silo.ToString());
        Assert.Empty(silo.ErrorLines);
        // JSON logs: one object per line, the lifecycle entries among them.
        var entries = silo.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).ToList();
        Assert.Contains(entries, e => e.RootElement.GetProperty("Category").GetString() == "Reev.Cluster.Silo" && e.RootElement.GetProperty("EventId").GetInt32() == 4);
        entries.ForEach(e => e.Dispose());
    }

    [Fact]
    public async Task Postgres_Sigterm_DrainsExitsZeroWithinGraceAndTheOtherSiloTakesItsPartitions()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo sigterm handover");
        var grace = TimeSpan.FromSeconds(8);
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = "16",
            ["REEV__SILO__SHUTDOWNGRACEPERIOD"] = "00:00:08",
            ["REEV__SILO__DRAINTIMEOUT"] = "00:00:03",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var suffix = Guid.NewGuid().ToString("N")[..6];
        string a = $"a-{suffix}", b = $"b-{suffix}";
        await using var first = SiloProcess.Start(["--silo-id", a], environment);
        await first.WaitUntilReadyAsync(ReadyTimeout);
        await using var second = SiloProcess.Start(["--silo-id", b], environment);
        await second.WaitUntilReadyAsync(ReadyTimeout);
        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>($"SELECT count(*) FROM reev_partitions WHERE owner = '{a}'") > 0
                && await database.ScalarAsync<long>($"SELECT count(*) FROM reev_partitions WHERE owner = '{b}'") > 0,
            TimeSpan.FromSeconds(15),
            $"phase 'balance': silos {a} and {b} should both own partitions before the stop");

        var stopped = Stopwatch.GetTimestamp();
        first.Terminate();
        var code = await first.WaitForExitAsync(grace + TimeSpan.FromSeconds(5));
        var took = Stopwatch.GetElapsedTime(stopped);

        Assert.True(code == 0, $"phase 'stop': a SIGTERM'd silo should drain and exit 0.\n{first}");
        Assert.True(took < grace, $"phase 'stop': the silo took {took.TotalSeconds:0.0} s to exit, more than its grace period of {grace.TotalSeconds} s.\n{first}");
        Assert.Contains("handed over", first.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("left", await database.ScalarAsync<string>($"SELECT status FROM reev_silos WHERE silo_id = '{a}'"));
        // Handed over at once: well before the 10 s membership lease of the stopped silo could have expired.
        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>($"SELECT count(*) FROM reev_partitions WHERE owner = '{b}'") == 16,
            TimeSpan.FromSeconds(8),
            $"phase 'hand-over': silo {b} should own all 16 partitions after {a} stopped");
        Assert.Equal(HttpStatusCode.OK, await second.GetStatusAsync("/health/ready"));
    }

    [Fact]
    public async Task Postgres_SecondProcessWithALiveSilosId_ExitsTwoWithOneLine()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo duplicate id");
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = "8",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var id = $"dup-{Guid.NewGuid():N}"[..12];
        await using var first = SiloProcess.Start(["--silo-id", id], environment);
        await first.WaitUntilReadyAsync(ReadyTimeout);

        await using var second = await SiloProcess.RunToExitAsync(["--silo-id", id], TimeSpan.FromSeconds(30), environment);

        Assert.True(second.ExitCode == 2, second.ToString());
        Assert.Contains($"Silo id '{id}' is held by a live silo", Assert.Single(second.ErrorLines), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await first.GetStatusAsync("/health/ready"));
    }

    [Fact]
    public async Task Postgres_RestartUnderTheIdOfAKilledSilo_StartsOnceItsLeaseExpired()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo restart same id");
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = "8",
            ["REEV__SILO__LEASEDURATION"] = "00:00:03",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var id = $"re-{Guid.NewGuid():N}"[..12];
        await using (var killed = SiloProcess.Start(["--silo-id", id], environment))
        {
            await killed.WaitUntilReadyAsync(ReadyTimeout);
            await killed.KillAsync();
        }

        await using var restarted = SiloProcess.Start(["--silo-id", id], environment);
        await restarted.WaitUntilReadyAsync(ReadyTimeout);

        Assert.Equal(8L, await database.ScalarAsync<long>($"SELECT count(*) FROM reev_partitions WHERE owner = '{id}'"));
    }

    [Fact]
    public async Task Postgres_SiloPausedPastItsLeaseWhileAnotherTookItsIdOver_ExitsSixOnResumingAndTheOtherKeepsThePartitions()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo superseded");
        var environment = new Dictionary<string, string>
        {
            ["REEV__POSTGRES__CONNECTIONSTRING"] = database.ConnectionString,
            ["REEV__SILO__PARTITIONCOUNT"] = "8",
            ["REEV__SILO__LEASEDURATION"] = "00:00:03",
            ["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01",
        };
        var id = $"sup-{Guid.NewGuid():N}"[..12];
        await using var paused = SiloProcess.Start(["--silo-id", id], environment);
        await paused.WaitUntilReadyAsync(ReadyTimeout);
        paused.Pause();
        try
        {
            // The new process waits out the paused one's lease, then takes the id over and claims its partitions anew.
            await using var successor = SiloProcess.Start(["--silo-id", id], environment);
            await successor.WaitUntilReadyAsync(ReadyTimeout);
            var epochs = await database.ScalarAsync<long>($"SELECT sum(epoch) FROM reev_partitions WHERE owner = '{id}'");
            paused.Resume();

            var exit = await paused.WaitForExitAsync(TimeSpan.FromSeconds(30));

            Assert.True(exit == 6, paused.ToString());
            Assert.Contains("another process took its silo id over", paused.StandardError, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, await successor.GetStatusAsync("/health/ready"));
            Assert.Equal(8L, await database.ScalarAsync<long>($"SELECT count(*) FROM reev_partitions WHERE owner = '{id}'"));
            Assert.Equal(epochs, await database.ScalarAsync<long>($"SELECT sum(epoch) FROM reev_partitions WHERE owner = '{id}'"));
        }
        finally
        {
            paused.Resume();
        }
    }
}
