using System.Net;
using System.Net.Sockets;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Runtime;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>The silo process refuses a start that cannot work: non-zero exit code, one line on stderr saying why.</summary>
public sealed class SiloStartupTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Start_UnknownProvider_ExitsTwoWithOneLine()
    {
        await using var silo = await SiloProcess.RunToExitAsync(["--provider", "mongo"], ExitTimeout);

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains("Unknown provider 'mongo'", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--postgress", "Host=127.0.0.1;Username=reev;Database=reev" }, "unknown option '--postgress'")]
    [InlineData(new[] { "--provider", "memory", "stray" }, "unexpected argument 'stray'")]
    [InlineData(new[] { "--provider", "memory", "--silo-id" }, "option '--silo-id' needs a value")]
    public async Task Start_ArgumentItDoesNotRead_ExitsTwoWithOneLine(string[] args, string expected)
    {
        // Configuration would drop these without a word: a mistyped --postgres started an in-memory silo.
        await using var silo = await SiloProcess.RunToExitAsync(args, ExitTimeout);

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_GracePeriodAsABareNumber_ExitsTwoSayingItMeansDays()
    {
        await using var silo = await SiloProcess.RunToExitAsync(["--provider", "memory"], ExitTimeout,
            new Dictionary<string, string> { ["REEV__SILO__SHUTDOWNGRACEPERIOD"] = "60" });

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains("a bare number means days", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnreachableDatabase_ExitsThreeWithOneLine()
    {
        var closedPort = LoopbackPorts.Free();
        await using var silo = await SiloProcess.RunToExitAsync(
            ["--postgres", $"Host=127.0.0.1;Port={closedPort};Username=reev;Database=reev;Timeout=3"], ExitTimeout);

        Assert.True(silo.ExitCode == 3, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains($"Cannot reach PostgreSQL at 127.0.0.1:{closedPort}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_RoleAtItsConnectionLimit_ExitsThreeWithOneLine()
    {
        // "Too many connections" (SQLSTATE 53300) is the server refusing for now, like an unreachable one: exit 3, a
        // retry's matter, not a stack trace and exit 1.
        var role = $"reev_full_{Guid.NewGuid():N}"[..24];
        var admin = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Pooling = false };
        await using (var connection = new Npgsql.NpgsqlConnection(admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0", connection);
            await create.ExecuteNonQueryAsync();
        }

        try
        {
            var limited = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Username = role, Password = null, Timeout = 3 };
            await using var silo = await SiloProcess.RunToExitAsync(["--postgres", limited.ConnectionString], ExitTimeout);

            Assert.True(silo.ExitCode == 3, silo.ToString());
            var line = Assert.Single(silo.ErrorLines);
            Assert.Contains("too many connections", line, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            await using var connection = new Npgsql.NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP ROLE {role}", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task Start_MalformedConnectionString_ExitsTwoWithOneLine()
    {
        await using var silo = await SiloProcess.RunToExitAsync(["--postgres", "this is not a connection string"], ExitTimeout);

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains("connection string is invalid", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PortInUse_ExitsFourWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var silo = await SiloProcess.RunToExitAsync(["--provider", "memory", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], ExitTimeout);

        Assert.True(silo.ExitCode == 4, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", silo.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_PartitionCountDiffersFromDatabase_ExitsTwoWithOneLine()
    {
        await using var database = await TestPostgres.CreateDatabaseAsync("silo partition mismatch");
        // The schema is created by a first silo with 16 partitions (in process: only the second start is under test).
        await using (var first = ReevSiloBuilder.Create(ReevSiloBuilder.Provider(database.ConnectionString), new SiloOptions { PartitionCount = 16 }))
        {
            await first.StartAsync(CancellationToken.None);
            await first.StopAsync(CancellationToken.None);
        }

        await using var silo = await SiloProcess.RunToExitAsync(
            ["--postgres", database.ConnectionString, "--partitions", "32"], ExitTimeout);

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains("created with 16 partitions", line, StringComparison.Ordinal);
        Assert.Contains("configured with 32", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Probe_NothingListening_ExitsOneWithOneLine()
    {
        var port = LoopbackPorts.Free();
        await using var probe = await SiloProcess.RunToExitAsync(["--probe", "ready", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)], ExitTimeout);

        Assert.True(probe.ExitCode == 1, probe.ToString());
        Assert.Contains($"/health/ready did not answer", Assert.Single(probe.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DrainLongerThanGracePeriod_ExitsTwoNamingBothSettings()
    {
        await using var silo = await SiloProcess.RunToExitAsync(
            ["--provider", "memory"],
            ExitTimeout,
            new Dictionary<string, string> { ["REEV__SILO__DRAINTIMEOUT"] = "00:00:30", ["REEV__SILO__SHUTDOWNGRACEPERIOD"] = "00:00:20" });

        Assert.True(silo.ExitCode == 2, silo.ToString());
        var line = Assert.Single(silo.ErrorLines);
        Assert.Contains("Reev:Silo:DrainTimeout", line, StringComparison.Ordinal);
        Assert.Contains("Reev:Silo:ShutdownGracePeriod", line, StringComparison.Ordinal);
    }
}
