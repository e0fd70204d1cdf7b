using System.Net;
using System.Net.Sockets;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>
/// The standalone gateway process refuses a start that cannot work like the silo host does: one line on stderr and
/// the silo host's exit codes, so that deploy/local/cluster-up.sh can tell a taken port (try another) from the rest;
/// started from any folder, it runs with the settings shipped beside it.
/// </summary>
public sealed class GatewayStartupTests
{
    [Fact]
    public async Task Start_PortInUse_ExitsFourWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        await using var gateway = await RunToExitAsync(["--urls", url]);

        Assert.True(gateway.ExitCode == 4, gateway.ToString());
        var line = Assert.Single(gateway.ErrorLines);
        Assert.StartsWith($"reev-gateway: {url} is already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.StandardOutput + gateway.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnreachableDatabase_ExitsThreeWithOneLine()
    {
        var closed = LoopbackPorts.Free();

        await using var gateway = await RunToExitAsync(
            ["--postgres", $"Host=127.0.0.1;Port={closed};Username=reev;Database=reev;Timeout=3", "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}"]);

        Assert.True(gateway.ExitCode == 3, gateway.ToString());
        var line = Assert.Single(gateway.ErrorLines);
        Assert.Contains($"127.0.0.1:{closed}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gateway.StandardOutput + gateway.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FromAnotherFolder_ReadsItsShippedSettings_WhichTheCommandLineStillOverrides()
    {
        // The shipped appsettings.json keeps ASP.NET Core's per-request log at Warning; the working directory is the
        // temp folder, which holds no appsettings.json of the gateway's.
        var shipped = await RunOneRequestAsync([]);
        Assert.Contains("Embedded silo", shipped, StringComparison.Ordinal); // the log was read at all
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting.Diagnostics", shipped, StringComparison.Ordinal);

        var overridden = await RunOneRequestAsync(["--Logging:LogLevel:Microsoft.AspNetCore=Information"]);
        Assert.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", overridden, StringComparison.Ordinal);
    }

    /// <summary>Starts the gateway (embedded in-memory silo), waits until it is ready (requests answered), stops it: its log.</summary>
    private static async Task<string> RunOneRequestAsync(IReadOnlyList<string> args)
    {
        await using var gateway = SiloProcess.StartGateway(args);
        await gateway.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System); // the console logger writes on its own thread
        await gateway.KillAsync();
        return gateway.StandardOutput + gateway.StandardError;
    }

    private static async Task<SiloProcess> RunToExitAsync(IReadOnlyList<string> args)
    {
        var gateway = SiloProcess.StartGateway(args);
        try
        {
            await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync(); // killed: a start that hangs fails the test, it does not outlive it
            throw;
        }
    }
}
