using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// Silo processes started by <c>reev load</c> on a PostgreSQL cluster, so that a kill is a real SIGKILL of a
/// process. Each gets its own silo id and health port; the load waits until each answers <c>/health/ready</c>.
/// The last lines each silo wrote are kept: a silo that exits on its own (before it is ready, or during the run)
/// is reported with them on standard error.
/// </summary>
internal sealed class SiloProcesses : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    // The silo host's exit code for a port already in use (SiloExitCodes.PortInUse in silo/).
    private const int PortInUseExitCode = 4;
    private const int MaxPortAttempts = 5;
    private const int TailLines = 30;
    private readonly List<(Process Process, int Port, string Id)> _silos = [];
    private readonly Dictionary<Process, Queue<string>> _tails = [];
    private readonly HashSet<Process> _accounted = []; // killed by the load, or already reported
    private readonly List<Process> _paused = [];

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

    public static async Task<SiloProcesses> StartAsync(string postgres, int count, int partitions, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var dll = Locate();
        var silos = new SiloProcesses();
        try
        {
            var run = Guid.NewGuid().ToString("N")[..6];
            for (var i = 0; i < count; i++)
            {
                silos._silos.Add(silos.StartOne(dll, string.Create(CultureInfo.InvariantCulture, $"load-{run}-{i}"), postgres, partitions));
            }

            for (var i = 0; i < count; i++)
            {
                // A port found free can be taken by another process before the silo binds it: that silo exits with
                // PortInUse and starts again on another port.
                for (var attempt = 1; ; attempt++)
                {
                    var (process, port, id) = silos._silos[i];
                    if (await silos.WaitReadyAsync(process, id, port, readyTimeout, cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }

                    process.Dispose();
                    if (attempt == MaxPortAttempts)
                    {
                        throw new InvalidOperationException($"silo {id} found its port taken {attempt} times in a row");
                    }

                    silos._tails.Remove(process);
                    silos._silos[i] = silos.StartOne(dll, id, postgres, partitions);
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

    private (Process Process, int Port, string Id) StartOne(string dll, string id, string postgres, int partitions)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { dll, "--silo-id", id, "--postgres", postgres, "--port", port.ToString(CultureInfo.InvariantCulture), "--partitions", partitions.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        // A killed silo's partitions move after its lease: 5 s keeps a load run short.
        info.Environment["REEV__SILO__LEASEDURATION"] = "00:00:05";
        info.Environment["REEV__SILO__HEARTBEATINTERVAL"] = "00:00:01";
        var process = Process.Start(info) ?? throw new InvalidOperationException("the silo process did not start");
        var tail = new Queue<string>(TailLines);
        _tails[process] = tail;
        void Keep(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (tail)
            {
                if (tail.Count == TailLines)
                {
                    tail.Dequeue();
                }

                tail.Enqueue(e.Data);
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, port, id);
    }

    /// <summary>SIGKILL of the first silo still running: no drain, no hand-over.</summary>
    public void KillOne()
    {
        var (process, _, _) = _silos.First(static s => !s.Process.HasExited);
        _accounted.Add(process);
        process.Kill(entireProcessTree: true);
    }

    /// <summary>
    /// SIGSTOP of the last silo still running (the first is the one <see cref="KillOne"/> takes): the process keeps its
    /// connections and its in-memory turns, as in a VM freeze or a long GC, while its lease runs out.
    /// </summary>
    public void PauseOne()
    {
        var (process, _, _) = _silos.Last(static s => !s.Process.HasExited);
        Signal(process, "-STOP");
        _paused.Add(process);
    }

    /// <summary>SIGCONT of the paused silos: they wake up with their old leases, turns and connections.</summary>
    public void ResumePaused()
    {
        try
        {
            foreach (var process in _paused.Where(static p => !p.HasExited))
            {
                Signal(process, "-CONT");
            }
        }
        finally
        {
            _paused.Clear();
        }
    }

    private static void Signal(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })
            ?? throw new InvalidOperationException($"kill {signal} could not be started");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {process.Id} failed with exit code {kill.ExitCode}");
        }
    }

    /// <summary>The last lines a silo process wrote (standard output and error), oldest first.</summary>
    private string Tail(Process process)
    {
        if (!_tails.TryGetValue(process, out var tail))
        {
            return string.Empty;
        }

        lock (tail)
        {
            return tail.Count == 0 ? " (it wrote nothing)" : ":" + Environment.NewLine + string.Join(Environment.NewLine, tail.Select(static l => "  | " + l));
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A stopped process would hold a SIGTERM until it is continued: wake any still paused first (best effort: one that
        // died meanwhile must not keep the others from being stopped).
        try
        {
            ResumePaused();
        }
        catch (InvalidOperationException ex)
        {
            await Console.Error.WriteLineAsync($"reev load: a paused silo could not be continued: {ex.Message}").ConfigureAwait(false);
        }

        // A silo that died on its own during the run is worth its last words, whatever the run's verdict.
        foreach (var (process, _, id) in _silos.Where(s => s.Process.HasExited && !_accounted.Contains(s.Process) && s.Process.ExitCode != 0))
        {
            process.WaitForExit(); // the last lines are read
            await Console.Error.WriteLineAsync($"reev load: silo {id} exited on its own with code {process.ExitCode}; its last lines{Tail(process)}").ConfigureAwait(false);
        }

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
    private async Task<bool> WaitReadyAsync(Process process, string id, int port, TimeSpan timeout, CancellationToken cancellationToken)
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

                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // the last lines are read
                _accounted.Add(process);
                throw new InvalidOperationException($"silo {id} exited with code {process.ExitCode} before it was ready; its last lines{Tail(process)}");
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
                throw new TimeoutException($"silo {id} was not ready within {timeout.TotalSeconds:0} s; its last lines{Tail(process)}");
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
