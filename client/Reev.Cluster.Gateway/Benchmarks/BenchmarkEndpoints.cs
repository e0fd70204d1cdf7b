using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Http;

namespace Reev.Cluster.Gateway.Benchmarks;

/// <summary><c>GET /api/v1/benchmarks</c>, <c>GET /api/v1/benchmarks/{id}</c> (with recent executions) and <c>GET /api/v1/agents</c>.</summary>
internal static class BenchmarkEndpoints
{
    private const int RecentExecutions = 10;

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/benchmarks", ListAsync).WithName("ListBenchmarks").Produces<IReadOnlyList<BenchmarkInfo>>();
        api.MapGet("/benchmarks/{id}", GetAsync).WithName("GetBenchmark").Produces<BenchmarkDetail>();
        api.MapGet("/agents", (HttpContext http) => Conditional.Json(http, ExecutionSubmitter.KnownAgents)).WithName("ListAgents").Produces<IReadOnlyList<string>>();
    }

    private static async Task<IResult> ListAsync(HttpContext http, BenchmarkCatalog catalog, CancellationToken ct)
    {
        var list = await catalog.ListAsync(ct).ConfigureAwait(false);
        return Conditional.Json(http, list.Select(static b => Info(b.Id, b.Result)).ToList());
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, BenchmarkCatalog catalog, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsBenchmarkId(id))
        {
            return Problems.Validation("id", "id: not a benchmark id (letters, digits, '-', '_', '.').");
        }

        if (await catalog.FindAsync(id, ct).ConfigureAwait(false) is not { } load)
        {
            return Problems.NotFound("Benchmark", id, "id");
        }

        var recent = await cluster.ReadModel.ListExecutionsAsync(new ExecutionListQuery(null, id, RecentExecutions, null), ct).ConfigureAwait(false);
        var info = Info(id, load);
        var detail = new BenchmarkDetail(info.Id, info.Description, info.Tags, info.Prompt, info.FlowType, info.StepCount, info.Error,
            load.Document is { } document ? Steps(document) : [],
            recent.Items, recent.Items.Count > 0 ? recent.Items[0].ExecutionId : null);
        return Conditional.Json(http, detail);
    }

    /// <summary>The steps an execution of the file runs: a single-prompt file is one step, as in its step_count.</summary>
    private static List<BenchmarkStep> Steps(FlowDocument document) =>
        [.. Enumerable.Range(1, document.StepCount).Select(step => new BenchmarkStep(
            step, document.IsMultiStep ? document.Flow[step - 1].Description : document.Description, document.IsCritical(step)))];

    private static BenchmarkInfo Info(string id, FlowFileLoadResult load) => load.IsSuccess
        ? new BenchmarkInfo(id, load.Document!.Description, [.. load.Document.Tags], load.Document.Prompt, load.Document.FlowType.ToString().ToLowerInvariant(), load.Document.StepCount, null)
        : new BenchmarkInfo(id, string.Empty, [], string.Empty, "static", 0, load.Error!.ToString());
}

/// <summary>A flow file of the benchmark folder (<c>error</c> when it does not load).</summary>
internal sealed record BenchmarkInfo(string Id, string Description, IReadOnlyList<string> Tags, string Prompt, string FlowType, int StepCount, string? Error);

internal sealed record BenchmarkStep(int Step, string Description, bool Critical);

internal sealed record BenchmarkDetail(
    string Id,
    string Description,
    IReadOnlyList<string> Tags,
    string Prompt,
    string FlowType,
    int StepCount,
    string? Error,
    IReadOnlyList<BenchmarkStep> Steps,
    IReadOnlyList<ExecutionSummary> RecentExecutions,
    string? LatestExecutionId);
