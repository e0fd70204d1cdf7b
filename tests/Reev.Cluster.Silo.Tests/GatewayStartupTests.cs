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

    /// <summary>Starts the gateway (embedded in-memory silo) from the temp folder, asks its health once, stops it: its log.</summary>
    private static async Task<string> RunOneRequestAsync(IReadOnlyList<string> args)
    {
        var url = $"http://127.0.0.1:{LoopbackPorts.Free()}";
        using var process = Process.Start(StartInfo([.. args, "--urls", url]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            while (true)
            {
                Assert.False(process.HasExited, $"the gateway exited with code {(process.HasExited ? process.ExitCode : 0)}");
                try
                {
                    using var response = await http.GetAsync(new Uri("/api/v1/health", UriKind.Relative));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                Assert.True(Stopwatch.GetTimestamp() < deadline, "the gateway did not answer its health within 60 s");
                await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System); // the console logger writes on its own thread
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return await stdout + await stderr;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyList<string> args)
    {
        using var process = Process.Start(StartInfo(args))!;
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

    /// <summary>The gateway process, started from the temp folder, without the REEV__ and OTEL_ settings of the test's environment.</summary>
    private static ProcessStartInfo StartInfo(IReadOnlyList<string> args)
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

        return info;
    }
}
