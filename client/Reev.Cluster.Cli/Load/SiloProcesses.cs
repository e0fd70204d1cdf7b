using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// Silo processes started by <c>reev load</c> on a PostgreSQL cluster, so that a kill is a real SIGKILL of a
/// process. Each gets its own silo id and health port; the load waits until each answers <c>/health/ready</c>.
/// </summary>
internal sealed class SiloProcesses : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    // The silo host's exit code for a port already in use (SiloExitCodes.PortInUse in silo/).
    private const int PortInUseExitCode = 4;
    private const int MaxPortAttempts = 5;
    private readonly List<(Process Process, int Port, string Id)> _silos = [];

    public int Count => _silos.Count;

    public int Running => _silos.Count(static s => !s.Process.HasExited);

    /// <summary>The silo host assembly: REEV_SILO_DLL, the path recorded at build time, or the artifacts sibling.</summary>
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("REEV_SILO_DLL") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        // The artifacts layout: bin/<project>/<configuration>/ for every project, the silo host included.
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var candidate = here.Parent?.Parent is { } bin
            ? Path.Combine(bin.FullName, "Reev.Cluster.Silo", here.Name, "Reev.Cluster.Silo.dll")
            : null;
        return candidate is not null && File.Exists(candidate)
            ? candidate
            : throw new FileNotFoundException($"the silo host (Reev.Cluster.Silo.dll) was not found at {candidate}; build silo/Reev.Cluster.Silo (the CLI's build does) or set REEV_SILO_DLL");
    }

    public static async Task<SiloProcesses> StartAsync(string postgres, int count, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var dll = Locate();
        var silos = new SiloProcesses();
        try
        {
            var run = Guid.NewGuid().ToString("N")[..6];
            for (var i = 0; i < count; i++)
            {
                silos._silos.Add(StartOne(dll, string.Create(CultureInfo.InvariantCulture, $"load-{run}-{i}"), postgres));
            }

            for (var i = 0; i < count; i++)
            {
                // A port found free can be taken by another process before the silo binds it: that silo exits with
                // PortInUse and starts again on another port.
                for (var attempt = 1; ; attempt++)
                {
                    var (process, port, id) = silos._silos[i];
                    if (await WaitReadyAsync(process, port, readyTimeout, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    process.Dispose();
                    if (attempt == MaxPortAttempts)
                    {
                        throw new InvalidOperationException($"silo {id} found its port taken {attempt} times in a row");
                    }

                    silos._silos[i] = StartOne(dll, id, postgres);
                }
            }
        }
        catch
        {
            await silos.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return silos;
    }

    private static (Process Process, int Port, string Id) StartOne(string dll, string id, string postgres)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { dll, "--silo-id", id, "--postgres", postgres, "--port", port.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        // A killed silo's partitions move after its lease: 5 s keeps a load run short.
        info.Environment["REEV__SILO__LEASEDURATION"] = "00:00:05";
        info.Environment["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the silo process did not start");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, port, id);
    }

    /// <summary>SIGKILL of the first silo still running: no drain, no hand-over.</summary>
    public void KillOne()
    {
        var (process, _, _) = _silos.First(static s => !s.Process.HasExited);
        process.Kill(entireProcessTree: true);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (process, _, _) in _silos.Where(static s => !s.Process.HasExited))
        {
            using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
        }

        foreach (var (process, _, _) in _silos)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }

    /// <summary>True once the silo answers ready; false when it exited because its port was taken.</summary>
    private static async Task<bool> WaitReadyAsync(Process process, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (process.HasExited)
            {
                if (process.ExitCode == PortInUseExitCode)
                {
                    return false;
                }

                throw new InvalidOperationException($"a silo process exited with code {process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"), cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == HttpStatusCode.OK && !process.HasExited)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The request timed out; try again.
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"a silo was not ready within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
