using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Silo.Tests;

/// <summary>
/// A silo (<c>dotnet Reev.Cluster.Silo.dll ...</c>) or a standalone gateway (<c>dotnet Reev.Cluster.Gateway.dll ...</c>)
/// running as a child process from the temp folder, its output captured.
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly string _commandLine;
    private readonly string _name;

    private SiloProcess(Process process, int port, string commandLine, string name)
    {
        _process = process;
        Port = port;
        _commandLine = commandLine;
        _name = name;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get { lock (_stdout) { return _stdout.ToString(); } }
    }

    public string StandardError
    {
        get { lock (_stderr) { return _stderr.ToString(); } }
    }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Starts the silo with <paramref name="args"/>; <c>--port</c> is added (a free one) unless given.</summary>
    public static SiloProcess Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var arguments = args.ToList();
        var portIndex = arguments.IndexOf("--port");
        var port = portIndex >= 0 ? int.Parse(arguments[portIndex + 1], System.Globalization.CultureInfo.InvariantCulture) : LoopbackPorts.Free();
        if (portIndex < 0)
        {
            arguments.AddRange(["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        return Start("silo", RepositoryPaths.SiloAssembly, arguments, port, environment);
    }

    /// <summary>
    /// Starts the standalone gateway with <paramref name="args"/>; <c>--urls</c> is added (loopback, a free port) unless
    /// given, in which case <see cref="Address"/> is not the gateway's.
    /// </summary>
    public static SiloProcess StartGateway(IReadOnlyList<string> args)
    {
        var arguments = args.ToList();
        var port = arguments.Contains("--urls") ? 0 : LoopbackPorts.Free();
        if (port != 0)
        {
            arguments.AddRange(["--urls", $"http://127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);
        }

        return Start("gateway", RepositoryPaths.GatewayAssembly, arguments, port, null);
    }

    private static SiloProcess Start(string name, string assembly, List<string> arguments, int port, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(assembly);
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        // Silos and the gateway read REEV__* and OTEL_*: nothing from the test runner's environment may leak into them.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("REEV__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var started = new SiloProcess(process, port, string.Join(' ', arguments.Select(a => a.Contains("Host=", StringComparison.Ordinal) ? "<connection string>" : a)), name);
        process.OutputDataReceived += (_, e) => Append(started._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(started._stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Starts the silo and waits for it to exit (a start that is expected to fail).</summary>
    public static async Task<SiloProcess> RunToExitAsync(IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var silo = Start(args, environment);
        await silo.WaitForExitAsync(timeout);
        return silo;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>The lines written to stderr, blank ones left out.</summary>
    public IReadOnlyList<string> ErrorLines =>
        StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The {_name} did not exit within {timeout.TotalSeconds:0.#} s.\n{this}");
        }

        // WaitForExitAsync returns after the redirected streams reached their end.
        return _process.ExitCode;
    }

    /// <summary>Polls <c>/health/ready</c> until it answers 200; fails at once when the process exits.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The {_name} exited before it was ready.\n{this}");
            }

            if (await GetStatusAsync("/health/ready") == HttpStatusCode.OK)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"The {_name} was not ready within {timeout.TotalSeconds:0.#} s.\n{this}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
        }
    }

    /// <summary>The status of a GET, or null when nothing answers.</summary>
    public async Task<HttpStatusCode?> GetStatusAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(Address, path));
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public async Task<string> GetStringAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(Address, path));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Sends SIGTERM (what a container platform or cluster-down.sh sends).</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>SIGSTOP: the process stands still (a VM freeze, a long GC pause) until <see cref="Resume"/>.</summary>
    public void Pause() => Signal("STOP");

    /// <summary>SIGCONT; harmless on a process that is not stopped.</summary>
    public void Resume()
    {
        if (!_process.HasExited)
        {
            Signal("CONT");
        }
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0 && !_process.HasExited)
        {
            throw new InvalidOperationException($"kill -{signal} {_process.Id} failed with {kill.ExitCode}.");
        }
    }

    /// <summary>SIGKILL: no drain, no hand-over.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    public override string ToString()
    {
        var exit = _process.HasExited ? $"exit code {_process.ExitCode}" : "still running";
        return $"{_name} {_commandLine} ({exit})\n--- stdout ---\n{Tail(StandardOutput)}\n--- stderr ---\n{Tail(StandardError)}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}
