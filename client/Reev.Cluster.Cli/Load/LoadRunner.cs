using System.Diagnostics;
using System.Globalization;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// Submits N flows of S steps with at most C in flight (64 concurrent submitters, as a gateway's requests
/// would), follows completion in the executions read model, optionally kills a silo mid-run, and then
/// verifies that every flow finished and no step ran twice.
/// </summary>
internal static class LoadRunner
{
    private const int Submitters = 64;

    /// <summary>
    /// How long a resumed silo runs before the verification: long enough for the turns and heartbeats it held while
    /// frozen to reach the database (and be fenced), so that a step it ran twice would be counted.
    /// </summary>
    private static readonly TimeSpan SettleAfterResume = TimeSpan.FromSeconds(3);

    public static async Task<LoadResult> RunAsync(LoadCluster cluster, LoadSettings settings, Action<int, int> progress, CancellationToken cancellationToken)
    {
        var document = SyntheticFlows.BalanceChecks(settings.Steps, "load");
        var request = new ExecutionRequest
        {
            Document = document,
            Source = FlowSource.Direct,
            Agent = settings.Agent,
            AtomicMode = AtomicMode.Conditional,
            SubmittedBy = "reev load",
        };
        var run = Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, settings.Flows).Select(i => string.Create(CultureInfo.InvariantCulture, $"load-{run}-{i:D6}")).ToArray();
        var index = ids.Select(static (id, i) => (id, i)).ToDictionary(static p => p.id, static p => p.i, StringComparer.Ordinal);
        var submittedAt = new long[settings.Flows];
        var startLatency = new double[settings.Flows];
        var completion = new double?[settings.Flows];
        var failed = 0;
        var killed = 0;
        var paused = 0;
        var pausedAtTicks = -1L; // Stopwatch ticks into the run when a silo was paused; -1 while none is
        TimeSpan? resumedAt = null;
        using var gate = new SemaphoreSlim(settings.Concurrency);
        var next = -1;
        var started = Stopwatch.GetTimestamp();

        // A kill or pause at a share of the flows happens before the flow at that share is submitted, and no later flow
        // is submitted before it: the rest of the run goes on without that silo however fast the machine is.
        var killIndex = settings.KillSiloAt is { Percent: not null } killShare ? killShare.FlowIndex(settings.Flows) : (int?)null;
        var pauseIndex = settings.PauseSiloAt is { Percent: not null } pauseShare ? pauseShare.FlowIndex(settings.Flows) : (int?)null;
        var killReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pauseReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TimeSpan? PausedAt() => Interlocked.Read(ref pausedAtTicks) is >= 0 and var ticks ? Stopwatch.GetElapsedTime(0, ticks) : null;

        // The submitter of the flow at the share hits the silo; those of later flows wait until it has.
        async Task HitAtAsync(int i, int? index, TaskCompletionSource reached, Func<Task> hit)
        {
            if (i == index)
            {
                try
                {
                    await hit().ConfigureAwait(false);
                }
                finally
                {
                    reached.TrySetResult();
                }
            }
            else if (i > index)
            {
                await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        async Task ReachAsync(int i)
        {
            await HitAtAsync(i, killIndex, killReached, async () =>
            {
                await cluster.KillOneAsync().ConfigureAwait(false);
                Interlocked.Exchange(ref killed, 1);
            }).ConfigureAwait(false);
            await HitAtAsync(i, pauseIndex, pauseReached, () =>
            {
                if (cluster.CanPause)
                {
                    cluster.PauseOne();
                    Interlocked.Exchange(ref paused, 1);
                    Interlocked.Exchange(ref pausedAtTicks, Stopwatch.GetTimestamp() - started);
                }

                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        var submit = Task.WhenAll(Enumerable.Range(0, Math.Min(Submitters, settings.Concurrency)).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                var i = Interlocked.Increment(ref next);
                if (i >= settings.Flows)
                {
                    gate.Release();
                    return;
                }

                await ReachAsync(i).ConfigureAwait(false);
                submittedAt[i] = Stopwatch.GetTimestamp();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        // Start is idempotent per execution id: a send whose outcome is unknown is sent again.
                        await cluster.Client.GetGrain<IExecutionGrain>(ids[i]).StartAsync(request).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (attempt < 5 && ex is not OperationCanceledException)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), TimeProvider.System, cancellationToken).ConfigureAwait(false);
                    }
                }

                startLatency[i] = Stopwatch.GetElapsedTime(submittedAt[i]).TotalMilliseconds;
            }
        }, cancellationToken)));

        var timeline = new List<(double, int)>();
        var done = 0;
        while (done < settings.Flows)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, cancellationToken).ConfigureAwait(false);
            if (submit.IsFaulted)
            {
                // A flow could not be submitted even after retries: say so now, not as "lost" flows at the timeout.
                await submit.ConfigureAwait(false);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            if (settings.KillSiloAt is { Seconds: { } after } && killed == 0 && elapsed.TotalSeconds >= after && cluster.SiloCount > 1)
            {
                await cluster.KillOneAsync().ConfigureAwait(false);
                killed = 1;
            }

            if (settings.PauseSiloAt is { Seconds: { } pauseAfter } && paused == 0 && elapsed.TotalSeconds >= pauseAfter && cluster.CanPause)
            {
                cluster.PauseOne();
                paused = 1;
                Interlocked.Exchange(ref pausedAtTicks, Stopwatch.GetTimestamp() - started);
            }
            else if (PausedAt() is { } frozen && resumedAt is null && elapsed - frozen >= TimeSpan.FromSeconds(settings.PauseForSeconds))
            {
                cluster.ResumePaused();
                resumedAt = elapsed;
            }

            var pending = new List<string>();
            for (var p = 0; p < ids.Length; p++)
            {
                if (Volatile.Read(ref submittedAt[p]) != 0 && completion[p] is null)
                {
                    pending.Add(ids[p]);
                }
            }

            foreach (var (id, status) in await cluster.FinishedAsync(pending, cancellationToken).ConfigureAwait(false))
            {
                if (index.TryGetValue(id, out var i) && completion[i] is null && submittedAt[i] != 0)
                {
                    completion[i] = Stopwatch.GetElapsedTime(submittedAt[i]).TotalMilliseconds;
                    failed += status == "completed" ? 0 : 1;
                    done++;
                    gate.Release();
                }
            }

            timeline.Add((elapsed.TotalSeconds, done));
            progress(done, settings.Flows);
            if (elapsed > settings.Timeout)
            {
                break;
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (done == settings.Flows)
        {
            await submit.ConfigureAwait(false);
        }

        if (PausedAt() is not null)
        {
            // A silo still frozen (the flows finished without it) is woken, and a woken one is given time to act on what
            // it held, before the verification: whatever it commits late must be fenced, not counted as a second run.
            if (resumedAt is null)
            {
                cluster.ResumePaused();
                resumedAt = Stopwatch.GetElapsedTime(started);
            }

            var settle = resumedAt.Value + SettleAfterResume - Stopwatch.GetElapsedTime(started);
            if (settle > TimeSpan.Zero)
            {
                await Task.Delay(settle, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }
        }

        var finished = ids.Where((_, i) => completion[i] is not null).ToList();
        var duplicates = await cluster.DuplicateStepsAsync(finished, cancellationToken).ConfigureAwait(false);
        var starts = startLatency.Where((_, i) => submittedAt[i] != 0).Order().ToArray();
        var completions = completion.Where(static c => c is not null).Select(static c => c!.Value).Order().ToArray();
        return LoadResult.From(settings, seconds, done, starts, completions, failed, duplicates, cluster.SiloCount, Volatile.Read(ref killed), timeline, Volatile.Read(ref paused));
    }
}
