using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Benchmarks;
using Reev.Cluster.Gateway.Diagrams;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Logs;

/// <summary><c>GET /api/v1/flow-logs/{benchmark_id}</c> (recent executions with their steps) and <c>GET /api/v1/execution-logs/{benchmark_id}</c> (a trace).</summary>
internal static class LogEndpoints
{
    private const int DefaultFlowLogs = 10;
    private const int MaxFlowLogs = 50;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/flow-logs/{benchmarkId}", FlowLogsAsync).WithName("GetFlowLogs").Produces<FlowLogs>();
        api.MapGet("/execution-logs/{benchmarkId}", ExecutionLogAsync).WithName("GetExecutionLog").Produces<ExecutionLog>();
    }

    private static async Task<IResult> FlowLogsAsync(HttpContext http, string benchmarkId, IReevCluster cluster, BenchmarkCatalog catalog, CancellationToken ct)
    {
        if (!Ids.IsBenchmarkId(benchmarkId))
        {
            return Problems.Validation("benchmark_id", "benchmark_id: not a benchmark id.");
        }

        var limit = DefaultFlowLogs;
        if (http.Request.Query["limit"] is [{ } text] && (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxFlowLogs))
        {
            return Problems.Validation("limit", $"limit: must be an integer from 1 to {MaxFlowLogs} (got '{text}').");
        }

        var page = await cluster.ReadModel.ListExecutionsAsync(new ExecutionListQuery(null, benchmarkId, limit, null), ct).ConfigureAwait(false);
        if (page.Items.Count == 0 && await catalog.FindAsync(benchmarkId, ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("Benchmark", benchmarkId, "benchmark_id");
        }

        var views = await Task.WhenAll(page.Items.Select(i => cluster.Grains.GetGrain<IExecutionGrain>(i.ExecutionId).ReadAsync())).ConfigureAwait(false);
        var entries = page.Items.Select((summary, i) => new FlowLogEntry(summary, views[i]?.Steps ?? [], views[i]?.RecoveryActions ?? [])).ToList();
        return Conditional.Json(http, new FlowLogs(benchmarkId, entries));
    }

    private static async Task<IResult> ExecutionLogAsync(HttpContext http, string benchmarkId, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsBenchmarkId(benchmarkId))
        {
            return Problems.Validation("benchmark_id", "benchmark_id: not a benchmark id.");
        }

        string executionId;
        if (http.Request.Query["execution_id"] is [{ Length: > 0 } requested])
        {
            if (!Ids.IsValid(requested))
            {
                return ExecutionEndpoints.InvalidId(requested);
            }

            executionId = requested;
        }
        else
        {
            var latest = await cluster.ReadModel.ListExecutionsAsync(new ExecutionListQuery(null, benchmarkId, 1, null), ct).ConfigureAwait(false);
            if (latest.Items.Count == 0)
            {
                return Problems.NotFound("Execution", $"of benchmark {benchmarkId}", "benchmark_id");
            }

            executionId = latest.Items[0].ExecutionId;
        }

        var view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        if (view is null || view.FlowId != benchmarkId)
        {
            return Problems.NotFound("Execution", executionId, "execution_id");
        }

        var sessions = await ExecutionSessions.LoadAsync(cluster, executionId, ct).ConfigureAwait(false);
        var resource = ExecutionResource.From(view);
        var log = new ExecutionLog(benchmarkId, executionId, view.Agent, "web", view.Status, view.IsFinal ? (view.Passed ? "passed" : "not_passed") : null,
            ExecutionTrace.Build(view, sessions), !view.IsFinal, resource.Progress,
            new ExecutionLogResult((view.FinishedAt ?? view.UpdatedAt).Subtract(view.CreatedAt).TotalMilliseconds, view.IsFinal ? (view.Passed ? 0 : 1) : null));
        // Without execution_id this is "the latest run", which changes with the next run: never cached as immutable, and
        // the ETag names the execution so that another run's version cannot match.
        var settled = http.Request.Query["execution_id"] is [{ Length: > 0 }] && ExecutionResource.IsSettled(view);
        return Conditional.Json(http, log, $"{executionId}-l{view.Version}", settled ? Freshness.Immutable : Freshness.Revalidate, ExecutionResource.PollAfter(view));
    }
}

internal sealed record FlowLogs(string BenchmarkId, IReadOnlyList<FlowLogEntry> Executions);

internal sealed record FlowLogEntry(ExecutionSummary Execution, IReadOnlyList<StepView> Steps, IReadOnlyList<RecoveryAction> RecoveryActions);

/// <summary>The reference's execution-log shape with a real trace.</summary>
internal sealed record ExecutionLog(string BenchmarkId, string ExecutionId, string AgentType, string Interface, ExecutionStatus Status, string? FinalStatus, string Trace, bool IsRunning, double Progress, ExecutionLogResult Result);

internal sealed record ExecutionLogResult(double DurationMs, int? ExitCode);
