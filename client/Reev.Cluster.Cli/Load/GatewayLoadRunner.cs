using System.Collections.Concurrent;
using System.Diagnostics;
using Reev.Cluster.Cli.Remote;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// <c>reev load --gateway URL</c>: the load through a running cluster's API gateway. The gateway has no endpoint for a
/// synthetic flow, so each flow is the prompt "check my balances" repeated S-1 times with "then" (the planner adds its
/// leading balance check: S non-critical <c>get_account_balance</c> steps), submitted to <c>execute-direct</c> with the
/// chosen agent. A flow holds one of C slots from its POST until its event stream ends after <c>final</c> (start
/// latency = POST to 202, completion = POST to the stream's end). Then every finished flow is verified from the gateway:
/// completed with S steps (else failed), and each step with one session and one attempt, written by as many commits as
/// it has revisions (else a duplicate step).
/// </summary>
internal static class GatewayLoadRunner
{
    /// <summary>The fewest steps a prompt plans to (the leading balance check plus one clause).</summary>
    public const int MinSteps = 2;

    /// <summary>The most steps: the clauses must fit the planner's 1000-character prompt limit.</summary>
    public const int MaxSteps = 40;

    public static string PromptFor(int steps) => string.Join(" then ", Enumerable.Repeat("check my balances", steps - 1));

    /// <summary>Runs the load; a submission the gateway refuses ends the run with that problem instead of a result.</summary>
    public static async Task<(LoadResult? Result, GatewayProblem? Problem)> RunAsync(GatewayConnection connection, LoadSettings settings, Action<int, int> progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(settings);
        var body = new { prompt = PromptFor(settings.Steps), agent = settings.Agent, atomic_mode = "conditional" };
        var ids = new string?[settings.Flows];
        var startLatency = new double?[settings.Flows];
        var completion = new double?[settings.Flows];
        var timeline = new ConcurrentQueue<(double, int)>();
        GatewayProblem? refused = null;
        var done = 0;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(settings.Timeout);
        using var gate = new SemaphoreSlim(settings.Concurrency);
        var started = Stopwatch.GetTimestamp();
        var flows = Enumerable.Range(0, settings.Flows).Select(i => Task.Run(async () =>
        {
            await gate.WaitAsync(limit.Token).ConfigureAwait(false);
            try
            {
                var submitted = Stopwatch.GetTimestamp();
                var accepted = await connection.Client.ExecutePromptAsync("direct", body, null, limit.Token).ConfigureAwait(false);
                if (accepted.Value is not { } execution)
                {
                    Interlocked.CompareExchange(ref refused, accepted.Problem, null);
                    await limit.CancelAsync().ConfigureAwait(false);
                    return;
                }

                startLatency[i] = Stopwatch.GetElapsedTime(submitted).TotalMilliseconds;
                ids[i] = execution.ExecutionId;
                await foreach (var _ in connection.Client.StreamEventsAsync(execution.ExecutionId, 0, limit.Token).ConfigureAwait(false))
                {
                    // Only the stream's end matters here; the events are verified through the execution afterwards.
                }

                completion[i] = Stopwatch.GetElapsedTime(submitted).TotalMilliseconds;
                var count = Interlocked.Increment(ref done);
                timeline.Enqueue((Stopwatch.GetElapsedTime(started).TotalSeconds, count));
                progress(count, settings.Flows);
            }
            finally
            {
                gate.Release();
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(flows).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Timed out (or a submission was refused): what did not finish is lost.
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (refused is not null)
        {
            return (null, refused);
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var finished = ids.Where((id, i) => id is not null && completion[i] is not null).Select(static id => id!).ToList();
        var (failed, duplicates) = await VerifyAsync(connection, finished, settings, cancellationToken).ConfigureAwait(false);
        var starts = startLatency.Where(static s => s is not null).Select(static s => s!.Value).Order().ToArray();
        var completions = completion.Where(static c => c is not null).Select(static c => c!.Value).Order().ToArray();
        return (LoadResult.From(settings, seconds, done, starts, completions, failed, duplicates, 0, 0, [.. timeline.OrderBy(static p => p.Item1)]), null);
    }

    /// <summary>Failed flows (not completed, or not S steps) and steps that ran more than once, read from the gateway.</summary>
    private static async Task<(int Failed, int Duplicates)> VerifyAsync(GatewayConnection connection, IReadOnlyList<string> executionIds, LoadSettings settings, CancellationToken cancellationToken)
    {
        var failed = 0;
        var duplicates = 0;
        await Parallel.ForEachAsync(executionIds, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(settings.Concurrency, 16), CancellationToken = cancellationToken }, async (id, ct) =>
        {
            var read = await connection.Client.GetExecutionAsync(id, ct).ConfigureAwait(false);
            var sessions = await connection.Client.ListSessionsAsync(id, ct).ConfigureAwait(false);
            var execution = read.Value ?? throw new HttpRequestException($"execution {id} could not be read back: {read.Problem}");
            var list = sessions.Value ?? throw new HttpRequestException($"the sessions of {id} could not be read back: {sessions.Problem}");
            if (execution.Status != ExecutionStatus.Completed || execution.Steps.Count != settings.Steps)
            {
                Interlocked.Increment(ref failed);
            }

            var perStep = list.Sessions.GroupBy(static s => s.StepIndex).ToDictionary(static g => g.Key, static g => g.ToList());
            var twice = execution.Steps.Count(step =>
                step.Attempts > 1
                || (perStep.TryGetValue(step.Index, out var runs) && (runs.Count > 1 || runs.Any(static r => r.Attempt > 1 || r.Commits > r.Revision))));
            Interlocked.Add(ref duplicates, twice);
        }).ConfigureAwait(false);
        return (failed, duplicates);
    }
}
