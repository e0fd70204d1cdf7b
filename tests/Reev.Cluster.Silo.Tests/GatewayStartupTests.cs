using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>
/// The standalone gateway process refuses a start that cannot work like the silo host does: one line on stderr and
/// the silo host's exit codes, so that deploy/local/cluster-up.sh can tell a taken port (try another) from the rest.
/// </summary>
public sealed class GatewayStartupTests
{
    [Fact]
    public async Task Start_PortInUse_ExitsFourWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        var (code, stdout, stderr) = await RunToExitAsync(["--urls", url]);

        Assert.True(code == 4, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith($"reev-gateway: {url} is already in use", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnreachableDatabase_ExitsThreeWithOneLine()
    {
        var closed = LoopbackPorts.Free();

        var (code, stdout, stderr) = await RunToExitAsync(
            ["--postgres", $"Host=127.0.0.1;Port={closed};Username=reev;Database=reev;Timeout=3", "--urls", $"http://127.0.0.1:{LoopbackPorts.Free()}"]);

        Assert.True(code == 3, $"exit {code}\n{stdout}\n{stderr}");
        var line = Assert.Single(Lines(stderr));
        Assert.Contains($"127.0.0.1:{closed}", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout + stderr, StringComparison.Ordinal);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepositoryPaths.GatewayAssembly);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("REEV__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the gateway did not exit within 60 s: {string.Join(' ', args)}\n{await stdout}\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
