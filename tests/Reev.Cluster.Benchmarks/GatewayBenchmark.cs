using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// POST-to-202 latency of the API gateway: the gateway runs as its own process (embedded in-memory silo, or a
/// co-hosted silo on PostgreSQL); N requests are sent at once after a warm-up, each accepted once its start
/// command is durable.
/// </summary>
internal static class GatewayBenchmark
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- gateway [--postgres <cs>] [--requests 200] [--benchmark 001-sol-transfer]
                 [--rate R --seconds S] [--agent deterministic|noop] [--url <gateway>] [--prompt "check my balances then ..."]
          --prompt P       POST /api/v1/benchmarks/execute-direct with this prompt instead of running a benchmark: the gateway
                           plans it (a prompt of "check my balances" clauses joined by " then " plans one step more than it
                           has clauses, the shape `reev load --gateway --steps S` submits)
          --url U          a running gateway (e.g. cluster-up.sh's REEV_GATEWAY_URL, open on loopback) instead of starting one
          --requests N     N POSTs sent at once (a burst), after 20 warm-up requests
          --rate R         instead: POSTs paced at R per second for S seconds (open loop: each is sent at its time whether
                           or not earlier ones were answered), after a 5 s warm-up at the same rate; the flows run meanwhile,
                           so about R x completion time of them are in flight (sampled each second from the executions list)
          --warmup W       with --rate: the warm-up's length in seconds (default 5; the JIT is still at work for a minute or so)
          --warmup-rate Q  with --rate: the warm-up's rate (default R; below R, a warm-up of a rate the machine cannot
                           sustain does not leave a backlog to the measured phase)
          --no-in-flight   with --rate: no sampling of the flows in flight (three list requests a second that share the
                           machine with the POSTs measured)
          --timeline F     with --rate: write each measured POST to F as a line "sent_ms latency_ms status" (sent_ms from
                           the measured phase's start, which the first line gives), to see when the slow ones were sent
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string? postgres = null;
        Uri? url = null;
        var requests = 200;
        var benchmark = "001-sol-transfer";
        var agent = "deterministic";
        double? rate = null;
        var seconds = 20;
        var warmup = 5;
        double? warmupRate = null;
        var sampleInFlight = true;
        string? timeline = null;
        string? prompt = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--postgres": postgres = Next(); break;
                case "--url": url = new Uri(Next()); break;
                case "--requests": requests = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--benchmark": benchmark = Next(); break;
                case "--agent": agent = Next(); break;
                case "--rate": rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup-rate": warmupRate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--no-in-flight": sampleInFlight = false; break;
                case "--timeline": timeline = Next(); break;
                case "--prompt": prompt = Next(); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        var target = prompt is null
            ? new Target($"/api/v1/benchmarks/{benchmark}/run", System.Text.Json.JsonSerializer.Serialize(new { agent }))
            : new Target("/api/v1/benchmarks/execute-direct", System.Text.Json.JsonSerializer.Serialize(new { prompt, agent, atomic_mode = "conditional" }));
        if (url is not null)
        {
            using var remote = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
            return await MeasureAsync(remote, null, $"gateway at {url}", target, agent, rate, seconds, requests, sampleInFlight, timeline, (warmup, warmupRate), cancellationToken);
        }

        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var dll = Path.Combine(here.Parent!.Parent!.FullName, "Reev.Cluster.Gateway", here.Name, "Reev.Cluster.Gateway.dll");
        if (!File.Exists(dll))
        {
            throw new ArgumentException($"the gateway was not built at {dll}");
        }

        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}" }.Concat(postgres is null ? [] : ["--postgres", postgres, "--silo", "true"]))
        {
            info.ArgumentList.Add(a);
        }

        // A load test is not the client the per-key rate limit (600 a minute by default) protects against.
        info.Environment["Reev__Gateway__RateLimitPermits"] = "1000000";
        using var gateway = Process.Start(info)!;
        gateway.OutputDataReceived += static (_, _) => { };
        gateway.ErrorDataReceived += static (_, _) => { };
        gateway.BeginOutputReadLine();
        gateway.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            var name = $"gateway ({(postgres is null ? "in-memory silo" : "co-hosted silo on PostgreSQL")})";
            return await MeasureAsync(http, gateway, name, target, agent, rate, seconds, requests, sampleInFlight, timeline, (warmup, warmupRate), cancellationToken);
        }
        finally
        {
            gateway.Kill(entireProcessTree: true);
            await gateway.WaitForExitAsync(CancellationToken.None);
        }
    }

    private static async Task<int> MeasureAsync(
        HttpClient http, Process? gateway, string name, Target target, string agent, double? rate, int seconds, int requests, bool sampleInFlight,
        string? timeline, (int Seconds, double? Rate) warmup, CancellationToken cancellationToken)
    {
        await WaitReadyAsync(http, gateway, cancellationToken);
        for (var i = 0; i < 20; i++)
        {
            await PostAsync(http, target, cancellationToken); // warm-up: JIT, connection pool, grain activation paths
        }

        if (rate is { } perSecond)
        {
            return await PacedAsync(http, target, agent, perSecond, seconds, name, sampleInFlight, timeline, warmup, cancellationToken);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, requests).Select(_ => PostAsync(http, target, cancellationToken)));
        var latencies = results.Select(static r => r.Milliseconds).Order().ToArray();
        var accepted = results.Count(static r => r.Status == HttpStatusCode.Accepted);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}, {requests} concurrent POST {target.Path}: {accepted} x 202; p50 {P(latencies, 0.5):0.0} ms, p99 {P(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms"));
        return accepted == requests ? 0 : 1;
    }

    /// <summary>Open-loop POSTs at a fixed rate: a warm-up (5 s at the same rate unless told), then S measured seconds.</summary>
    private static async Task<int> PacedAsync(
        HttpClient http, Target target, string agent, double rate, int seconds, string silo, bool sampleInFlight, string? timeline,
        (int Seconds, double? Rate) warmup, CancellationToken cancellationToken)
    {
        if (warmup.Seconds > 0)
        {
            await SendPacedAsync(http, target, warmup.Rate ?? rate, warmup.Seconds, inFlight: null, cancellationToken);
        }

        var inFlight = sampleInFlight ? new List<int>() : null;
        var phaseStarted = TimeProvider.System.GetUtcNow();
        var results = await SendPacedAsync(http, target, rate, seconds, inFlight, cancellationToken);
        if (timeline is not null)
        {
            string[] header = [$"# measured phase started at {phaseStarted:O} (unix ms {phaseStarted.ToUnixTimeMilliseconds()}); sent_ms latency_ms status"];
            await File.WriteAllLinesAsync(timeline, header.Concat(results.Select(static r => string.Create(CultureInfo.InvariantCulture,
                $"{r.SentMilliseconds:0.0} {r.Milliseconds:0.0} {(int)r.Status}"))), cancellationToken);
        }

        var latencies = results.Select(static r => r.Milliseconds).Order().ToArray();
        var accepted = results.Count(static r => r.Status == HttpStatusCode.Accepted);
        var flows = inFlight is null
            ? "flows in flight not sampled"
            : string.Create(CultureInfo.InvariantCulture,
                $"flows in flight (sampled each second, each status capped at 500): mean {(inFlight.Count == 0 ? 0 : inFlight.Average()):0}, max {(inFlight.Count == 0 ? 0 : inFlight.Max())}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{silo}, POST {target.Path} ({agent}) at {rate:0} per second for {seconds} s: {accepted} of {results.Length} x 202; " +
            $"p50 {P(latencies, 0.5):0.0} ms, p99 {P(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms; {flows}"));
        return accepted == results.Length ? 0 : 1;
    }

    private static async Task<(HttpStatusCode Status, double Milliseconds, double SentMilliseconds)[]> SendPacedAsync(
        HttpClient http, Target target, double rate, int seconds, List<int>? inFlight, CancellationToken cancellationToken)
    {
        var total = (int)(rate * seconds);
        var sends = new List<Task<(HttpStatusCode, double, double)>>(total);
        var started = Stopwatch.GetTimestamp();
        var nextSample = TimeSpan.FromSeconds(1);
        Task? sampling = null;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var wait = due - Stopwatch.GetElapsedTime(started);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait, TimeProvider.System, cancellationToken);
            }

            sends.Add(TimedPostAsync(http, target, Stopwatch.GetElapsedTime(started).TotalMilliseconds, cancellationToken));
            if (inFlight is not null && Stopwatch.GetElapsedTime(started) >= nextSample && sampling is null or { IsCompleted: true })
            {
                nextSample += TimeSpan.FromSeconds(1);
                sampling = SampleInFlightAsync(http, inFlight, cancellationToken);
            }
        }

        var results = await Task.WhenAll(sends);
        if (sampling is not null)
        {
            await sampling;
        }

        return results;
    }

    private static async Task SampleInFlightAsync(HttpClient http, List<int> samples, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var status in new[] { "queued", "running", "consolidating" })
        {
            using var response = await http.GetAsync(new Uri($"/api/v1/executions?status={status}&limit=500", UriKind.Relative), cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"GET /api/v1/executions?status={status} answered {(int)response.StatusCode}: {body}");
            }

            using var json = System.Text.Json.JsonDocument.Parse(body);
            count += json.RootElement.GetProperty("items").GetArrayLength();
        }

        lock (samples)
        {
            samples.Add(count);
        }
    }

    private static async Task<(HttpStatusCode Status, double Milliseconds, double SentMilliseconds)> TimedPostAsync(
        HttpClient http, Target target, double sentMilliseconds, CancellationToken cancellationToken)
    {
        var (status, milliseconds) = await PostAsync(http, target, cancellationToken);
        return (status, milliseconds, sentMilliseconds);
    }

    private static async Task<(HttpStatusCode Status, double Milliseconds)> PostAsync(HttpClient http, Target target, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var content = new StringContent(target.Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri(target.Path, UriKind.Relative), content, cancellationToken);
        return (response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private static async Task WaitReadyAsync(HttpClient http, Process? gateway, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (gateway is { HasExited: true })
            {
                throw new InvalidOperationException($"the gateway exited with code {gateway.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("the gateway was not ready within 60 s");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System, cancellationToken);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>What each POST asks for: the path and its JSON body.</summary>
    private sealed record Target(string Path, string Body);
}
