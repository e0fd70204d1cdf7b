using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Npgsql;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Hosting;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Flows as grains end to end: N flows of S steps, at most C in flight, on one silo. Every step is
/// checkpointed (a step grain turn and two execution turns). Completion is read from the executions
/// read model, so the measurement adds no messages of its own.
/// </summary>
internal static class FlowBenchmark
{
    private const string EnqueueDuration = "reev.cluster.runtime.enqueue.duration";
    private const string EnqueueWait = "reev.cluster.runtime.enqueue.wait";
    private const string CommitDuration = "reev.cluster.runtime.commit.duration";

    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- flows [options]
          --provider memory|postgres      (default memory)
          --postgres <connection string>  server to use (a fresh database); default: a private server (fsync off)
          --durable                       private server with fsync on
          --flows N                       flows to run (default 500)
          --concurrency C                 flows in flight at most (default 500)
          --steps S                       steps per flow (default 3)
          --agent noop|deterministic      (default noop)
          --warmup W                      flows run (same shape) before measuring, so that the figures are of a warm
                                          silo (default: min(N, 2000); 0 to measure a cold start); in memory JIT
                                          tiering takes some 20,000-30,000 flows to settle (docs/PERFORMANCE.md)
          --rate R                        open loop instead of as fast as the gate allows: flow i is due at i/R s and
                                          started then (still at most C in flight); latencies count from the due time,
                                          so a start that waits for the gate or the database shows in them
          --alloc                         also print the types that allocate most (sampled from the runtime's
                                          allocation events; the sampling itself costs some throughput)
          --poll-ms P                     how often the flows in flight are looked up in the executions read model to
                                          see them finished (default 5 in memory, 100 on PostgreSQL); a finished
                                          flow's slot under --concurrency is freed only when it is seen, so a coarse
                                          poll leaves slots idle and caps a fast provider's throughput
          --enqueue-tx N                  INSERT transactions of the starts in flight at once (SiloOptions.
                                          MaxEnqueueTransactions; default 2)
          --reclaim-ms M                  SiloOptions.QueueReclaimInterval in milliseconds (default 2000; 0 turns the
                                          silos' vacuum of the queue tables off)
          --commit-lanes L                turn commit transactions in flight at once (SiloOptions.CommitLanes;
                                          default 2)
          --tail                          also print, second by second, the starts over 20 ms and the GC pauses (what
                                          makes the start's p99)
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        string provider = "memory", agent = "noop";
        string? connection = null;
        bool durable = false, tail = false, alloc = false;
        int flows = 500, concurrency = 500, steps = 3;
        int? warmup = null, pollMs = null;
        var enqueueTransactions = SiloOptions.DefaultMaxEnqueueTransactions;
        var reclaim = new SiloOptions().QueueReclaimInterval;
        var commitLanes = SiloOptions.DefaultCommitLanes;
        double? rate = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--provider": provider = Next(); break;
                case "--postgres": connection = Next(); provider = "postgres"; break;
                case "--durable": durable = true; break;
                case "--flows": flows = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--concurrency": concurrency = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--steps": steps = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--agent": agent = Next(); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--poll-ms": pollMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--enqueue-tx": enqueueTransactions = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--reclaim-ms": reclaim = TimeSpan.FromMilliseconds(int.Parse(Next(), CultureInfo.InvariantCulture)); break;
                case "--commit-lanes": commitLanes = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--tail": tail = true; break;
                case "--alloc": alloc = true; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        PrivatePostgres? server = null;
        string? database = null;
        try
        {
            if (provider == "postgres")
            {
                if (connection is null)
                {
                    server = await PrivatePostgres.StartAsync(durable, cancellationToken);
                    connection = server.ConnectionString;
                }

                (database, connection) = await CreateDatabaseAsync(connection, cancellationToken);
            }

            var poll = TimeSpan.FromMilliseconds(pollMs ?? (provider == "postgres" ? 100 : 5));
            var clusterProvider = ReevSiloBuilder.Provider(connection);
            await using var silo = ReevSiloBuilder.Create(clusterProvider, new SiloOptions { MaxEnqueueTransactions = enqueueTransactions, QueueReclaimInterval = reclaim, CommitLanes = commitLanes });
            await silo.StartAsync(cancellationToken);
            var document = SyntheticFlows.BalanceChecks(steps, "bench-noop");
            var request = new ExecutionRequest
            {
                Document = document,
                Agent = agent,
                AtomicMode = AtomicMode.Conditional,
                Source = FlowSource.Direct,
            };
            async Task PhaseAsync(string prefix, int flows, bool report)
            {
                var ids = Enumerable.Range(0, flows).Select(i => $"{prefix}{i:D6}").ToArray();
                var startLatency = new double[flows];
                var callLatency = new double[flows];
                var dueSeconds = new double[flows];
                using var gate = new SemaphoreSlim(concurrency);
                var finished = new HashSet<string>(StringComparer.Ordinal);
                var inFlight = new HashSet<string>(StringComparer.Ordinal); // submitted, not seen finished: the only rows polled
                var completion = new Dictionary<string, double>(StringComparer.Ordinal);
                var submittedAt = new long[flows];
                var started = Stopwatch.GetTimestamp();
                // CPU time and allocations per step do not depend on what else runs on the machine, unlike throughput.
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var gcBefore = GC.CollectionCount(0);
                var pauseBefore = GC.GetTotalPauseDuration();
                var gen2Before = GC.CollectionCount(2);
                using var pauses = report && tail ? new GcPauseRecorder(started) : null;
                using var allocations = report && alloc ? new AllocationRecorder() : null;
                using var durations = report ? new DurationRecorder(EnqueueDuration, EnqueueWait, CommitDuration) : null;
                async Task StartOneAsync(int i, long dueAt)
                {
                    submittedAt[i] = dueAt;
                    lock (inFlight)
                    {
                        inFlight.Add(ids[i]);
                    }

                    var called = Stopwatch.GetTimestamp();
                    await silo.GrainFactory.GetGrain<IExecutionGrain>(ids[i]).StartAsync(request);
                    startLatency[i] = Stopwatch.GetElapsedTime(dueAt).TotalMilliseconds;
                    callLatency[i] = Stopwatch.GetElapsedTime(called).TotalMilliseconds;
                    dueSeconds[i] = Stopwatch.GetElapsedTime(started, dueAt).TotalSeconds;
                }

                // Submitters work concurrently, as the gateway's requests do; the gate keeps C flows in flight.
                var next = -1;
                var submit = rate is { } perSecond ? PacedAsync(perSecond) : Task.WhenAll(Enumerable.Range(0, Math.Min(64, concurrency)).Select(_ => Task.Run(async () =>
                {
                    while (true)
                    {
                        await gate.WaitAsync(cancellationToken);
                        var i = Interlocked.Increment(ref next);
                        if (i >= flows)
                        {
                            gate.Release();
                            return;
                        }

                        await StartOneAsync(i, Stopwatch.GetTimestamp());
                    }
                }, cancellationToken)));

                // Open loop: each flow is started at its due time, whether or not earlier starts returned.
                async Task PacedAsync(double perSecond)
                {
                    var starts = new List<Task>(flows);
                    for (var i = 0; i < flows; i++)
                    {
                        var dueAt = started + (long)(i / perSecond * Stopwatch.Frequency);
                        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), dueAt);
                        if (wait > TimeSpan.FromMilliseconds(1))
                        {
                            await Task.Delay(wait, TimeProvider.System, cancellationToken);
                        }

                        var index = i;
                        starts.Add(Task.Run(async () =>
                        {
                            await gate.WaitAsync(cancellationToken);
                            await StartOneAsync(index, dueAt);
                        }, cancellationToken));
                    }

                    await Task.WhenAll(starts);
                }

                var index = ids.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
                var ephemeral = new Dictionary<long, GCMemoryInfo>();
                while (finished.Count < flows)
                {
                    await Task.Delay(poll, TimeProvider.System, cancellationToken);
                    if (tail && GC.GetGCMemoryInfo(GCKind.Ephemeral) is { Index: > 0 } gc)
                    {
                        ephemeral[gc.Index] = gc; // the last gen0/gen1 collection: what it kept alive, and its pause
                    }

                    string[] polled;
                    lock (inFlight)
                    {
                        polled = [.. inFlight];
                    }

                    foreach (var id in await FinishedAsync(clusterProvider, connection, polled, cancellationToken))
                    {
                        lock (inFlight)
                        {
                            inFlight.Remove(id);
                        }

                        if (index.TryGetValue(id, out var position) && finished.Add(id))
                        {
                            completion[id] = Stopwatch.GetElapsedTime(submittedAt[position]).TotalMilliseconds;
                            gate.Release();
                        }
                    }

                    if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(10))
                    {
                        throw new TimeoutException($"only {finished.Count} of {flows} flows finished in 10 minutes");
                    }
                }

                await submit;
                var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
                if (!report)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {flows} flows in {seconds:0.00} s (not measured)"));
                    return;
                }

                var allocatedPerStep = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)(flows * steps);
                var cpuPerStep = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / (flows * steps);
                var collections = GC.CollectionCount(0) - gcBefore;
                var gen2 = GC.CollectionCount(2) - gen2Before;
                var pausedMs = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds;
                var completions = completion.Values.Order().ToArray();
                if (pauses is not null)
                {
                    PrintTail(startLatency, dueSeconds, pauses.Pauses);
                    if (ephemeral.Count > 0)
                    {
                        var promoted = ephemeral.Values.Select(g => g.PromotedBytes / 1048576.0).Order().ToArray();
                        var paused = ephemeral.Values.Select(g => g.PauseDurations[0].TotalMilliseconds).Order().ToArray();
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  ephemeral collections sampled: {ephemeral.Count}; promoted p50 {P(promoted, 0.5):0.0} MB max {promoted[^1]:0.0} MB; pause p50 {P(paused, 0.5):0.0} ms max {paused[^1]:0.0} ms; heap after the last {ephemeral.Values.MaxBy(g => g.Index).HeapSizeBytes / 1048576.0:0} MB"));
                    }
                }

                if (allocations is not null)
                {
                    foreach (var (type, samples, share) in allocations.Top(30))
                    {
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  alloc {share,6:P1} {samples,7} samples  {type}"));
                    }
                }

                Array.Sort(startLatency);
                Array.Sort(callLatency);
                var inserts = durations!.Sorted(EnqueueDuration);
                var commits = durations.Sorted(CommitDuration);
                var waits = durations.Sorted(EnqueueWait);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"flows: provider {provider}{(durable ? " (durable)" : string.Empty)}, {flows} flows x {steps} {agent} steps, concurrency {concurrency}{(rate is { } r ? $", paced at {r:0} flows/s" : string.Empty)}, finished flows seen every {poll.TotalMilliseconds:0} ms, {Environment.ProcessorCount} cores"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {seconds:0.00} s, {flows / seconds:0} flows/s, {flows * steps / seconds:0} steps/s; start p50 {P(startLatency, 0.5):0.0} ms p99 {P(startLatency, 0.99):0.0} ms (the call alone: p50 {P(callLatency, 0.5):0.0} ms p99 {P(callLatency, 0.99):0.0} ms); completion p50 {P(completions, 0.5):0} ms p99 {P(completions, 0.99):0} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  inside: the start's wait for its INSERT p50 {P(waits, 0.5):0.0} ms p99 {P(waits, 0.99):0.0} ms, its INSERT transaction p50 {P(inserts, 0.5):0.0} ms p99 {P(inserts, 0.99):0.0} ms ({inserts.Length}); a turn commit transaction p50 {P(commits, 0.5):0.0} ms p99 {P(commits, 0.99):0.0} ms ({commits.Length})"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  per step (this process, silo and driver): {cpuPerStep:0} us CPU, {allocatedPerStep / 1024:0.0} KB allocated; {collections} collections ({gen2} gen2), {pausedMs:0} ms paused for GC ({pausedMs / 10 / seconds:0.0} % of the run), {(GCSettings.IsServerGC ? "server" : "workstation")} GC"));
            }

            var warm = warmup ?? Math.Min(flows, 2000);
            if (warm > 0)
            {
                await PhaseAsync("warm-", warm, report: false);
            }

            await PhaseAsync("bench-", flows, report: true);
            await silo.StopAsync(cancellationToken);
            return 0;
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    /// <summary>Second by second: the starts due then, how many took over 20 ms, the slowest, and the GC pauses begun then.</summary>
    private static void PrintTail(double[] startLatency, double[] dueSeconds, IReadOnlyList<(double At, double Ms)> pauses)
    {
        var seconds = (int)Math.Ceiling(dueSeconds.Max()) + 1;
        for (var second = 0; second < seconds; second++)
        {
            var due = Enumerable.Range(0, startLatency.Length).Where(i => (int)dueSeconds[i] == second).Select(i => startLatency[i]).ToArray();
            var gcs = pauses.Where(p => (int)p.At == second).Select(p => p.Ms).ToArray();
            if (due.Length == 0 && gcs.Length == 0)
            {
                continue;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  tail {second,3} s: {due.Length,4} starts, {due.Count(l => l > 20),4} over 20 ms, slowest {(due.Length == 0 ? 0 : due.Max()),6:0.0} ms; GC pauses {gcs.Length} (longest {(gcs.Length == 0 ? 0 : gcs.Max()):0.0} ms)"));
        }
    }

    /// <summary>Which of the given flows (those in flight) have finished: read by key, so a poll costs the flows in flight, not the run so far.</summary>
    private static async Task<IReadOnlyList<string>> FinishedAsync(ClusterProvider provider, string? connection, string[] ids, CancellationToken cancellationToken)
    {
        if (ids.Length == 0)
        {
            return [];
        }

        if (provider is InMemoryClusterProvider memory)
        {
            return memory.ReadRows<ExecutionRow>(ExecutionRow.TableName, ids)
                .Where(static row => row.Status is "completed" or "failed" or "cancelled").Select(static row => row.ExecutionId).ToList();
        }

        await using var conn = new NpgsqlConnection(connection);
        await conn.OpenAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT execution_id FROM reev_executions WHERE status IN ('completed', 'failed', 'cancelled') AND execution_id = ANY(@ids)", conn);
        cmd.Parameters.AddWithValue("ids", ids);
        var list = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    private static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string server, CancellationToken cancellationToken)
    {
        var name = $"reev_flows_{Guid.NewGuid():N}"[..24];
        await using (var conn = new NpgsqlConnection(server))
        {
            await conn.OpenAsync(cancellationToken);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        return (name, new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    private static double P(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
