using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Benchmarks;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>Submitting, reading, listing, cancelling and answering executions.</summary>
internal static class ExecutionEndpoints
{
    private const int DefaultLimit = 50;

    public static void Map(RouteGroupBuilder api)
    {
        var operatorRole = new RequiredRole(GatewayRole.Operator);
        api.MapPost("/benchmarks/{id}/run", RunAsync).WithMetadata(operatorRole).WithName("RunBenchmark")
            .Accepts<RunBody>("application/json").Produces<AcceptedExecution>(StatusCodes.Status202Accepted);
        foreach (var (path, kind) in new[] { ("execute-direct", "direct"), ("execute-dynamic", "bridge"), ("execute-bridge", "bridge"), ("execute-recovery", "recovery") })
        {
            api.MapPost("/benchmarks/" + path, (HttpContext http, ExecutionSubmitter submitter, IOptions<GatewayOptions> options, CancellationToken ct) => SubmitPromptAsync(http, kind, submitter, options, ct))
                .WithMetadata(operatorRole).WithName("Execute" + char.ToUpperInvariant(path[8]) + path[9..])
                .Accepts<PromptBody>("application/json").Produces<AcceptedExecution>(StatusCodes.Status202Accepted);
        }

        api.MapGet("/benchmarks/{id}/status/{executionId}", GetForBenchmarkAsync).WithName("GetBenchmarkExecution").Produces<ExecutionResource>();
        api.MapGet("/benchmarks/{id}/status", GetLatestForBenchmarkAsync).WithName("GetLatestBenchmarkExecution").Produces<ExecutionResource>();
        api.MapGet("/executions", ListAsync).WithName("ListExecutions").Produces<ExecutionListResource>();
        api.MapGet("/executions/{executionId}", GetAsync).WithName("GetExecution").Produces<ExecutionResource>();
        api.MapDelete("/executions/{executionId}", (HttpContext http, string executionId, IReevCluster cluster, ILogger<ExecutionSubmitter> logger, IOptions<GatewayOptions> options, CancellationToken ct) =>
            CancelAsync(http, null, executionId, cluster, logger, options, ct)).WithMetadata(operatorRole).WithName("CancelExecution");
        api.MapPost("/benchmarks/{id}/stop/{executionId}", (HttpContext http, string id, string executionId, IReevCluster cluster, ILogger<ExecutionSubmitter> logger, IOptions<GatewayOptions> options, CancellationToken ct) =>
            CancelAsync(http, id, executionId, cluster, logger, options, ct)).WithMetadata(operatorRole).WithName("StopBenchmarkExecution");
        api.MapPost("/executions/{executionId}/fulfillment", AnswerAsync).WithMetadata(operatorRole).WithName("AnswerExecution").Accepts<FulfillmentBody>("application/json");
        api.MapGet("/executions/{executionId}/events", EventStream.StreamAsync).WithName("ExecutionEvents").Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static async Task<IResult> RunAsync(HttpContext http, string id, BenchmarkCatalog catalog, ExecutionSubmitter submitter, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        if (!Ids.IsBenchmarkId(id))
        {
            return Problems.Validation("id", "id: not a benchmark id (letters, digits, '-', '_', '.').");
        }

        var body = await JsonBody.ReadAsync<RunBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: true, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (await catalog.FindAsync(id, ct).ConfigureAwait(false) is not { } load)
        {
            return Problems.NotFound("Benchmark", id, "id");
        }

        return await submitter.SubmitFileAsync(http, id, load, body.Value!, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> SubmitPromptAsync(HttpContext http, string kind, ExecutionSubmitter submitter, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<PromptBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: false, ct).ConfigureAwait(false);
        return body.Problem ?? await submitter.SubmitPromptAsync(http, kind, body.Value!, ct).ConfigureAwait(false);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string executionId, IReevCluster cluster)
    {
        if (!Ids.IsValid(executionId))
        {
            return InvalidId(executionId);
        }

        var view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        return view is null ? Problems.NotFound("Execution", executionId, "execution_id") : Respond(http, view);
    }

    private static async Task<IResult> GetForBenchmarkAsync(HttpContext http, string id, string executionId, IReevCluster cluster)
    {
        if (!Ids.IsValid(executionId))
        {
            return InvalidId(executionId);
        }

        var view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        return view is null || view.FlowId != id ? Problems.NotFound("Execution", executionId, "execution_id") : Respond(http, view);
    }

    private static async Task<IResult> GetLatestForBenchmarkAsync(HttpContext http, string id, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsBenchmarkId(id))
        {
            return Problems.Validation("id", "id: not a benchmark id (letters, digits, '-', '_', '.').");
        }

        var page = await cluster.ReadModel.ListExecutionsAsync(new ExecutionListQuery(null, id, 1, null), ct).ConfigureAwait(false);
        if (page.Items is not [var latest])
        {
            return Problems.NotFound("Execution", $"of benchmark {id}", "id");
        }

        var view = await cluster.Grains.GetGrain<IExecutionGrain>(latest.ExecutionId).ReadAsync().ConfigureAwait(false);
        return view is null ? Problems.NotFound("Execution", latest.ExecutionId, "execution_id") : Respond(http, view, latest: true);
    }

    private static async Task<IResult> ListAsync(HttpContext http, IReevCluster cluster, CursorCodec cursors, CancellationToken ct)
    {
        var query = http.Request.Query;
        string? status = null;
        if (query["status"] is [{ Length: > 0 } statusText])
        {
            if (!LenientEnumConverterFactory.TryParse<ExecutionStatus>(statusText, out var parsed))
            {
                return Problems.Validation("status", $"status: '{statusText}' is not one of queued, running, awaiting_user, consolidating, completed, failed, cancelled.");
            }

            status = JsonNamingPolicy.SnakeCaseLower.ConvertName(parsed.ToString());
        }

        string? benchmark = null;
        if (query["benchmark_id"] is [{ Length: > 0 } benchmarkText])
        {
            if (!Ids.IsBenchmarkId(benchmarkText))
            {
                return Problems.Validation("benchmark_id", "benchmark_id: not a benchmark id.");
            }

            benchmark = benchmarkText;
        }

        var limit = DefaultLimit;
        if (query["limit"] is [{ } limitText])
        {
            if (!int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ExecutionListQuery.MaxLimit)
            {
                return Problems.Validation("limit", $"limit: must be an integer from 1 to {ExecutionListQuery.MaxLimit} (got '{limitText}').");
            }
        }

        var filters = $"{status}|{benchmark}";
        ExecutionKeyset? after = null;
        if (query["cursor"] is [{ Length: > 0 } cursor])
        {
            after = cursors.Decode(cursor, filters, out var error);
            if (after is null)
            {
                return Problems.Validation("cursor", error!);
            }
        }

        var page = await cluster.ReadModel.ListExecutionsAsync(new ExecutionListQuery(status, benchmark, limit, after), ct).ConfigureAwait(false);
        var next = page.Next is { } keyset ? cursors.Encode(keyset, filters) : null;
        return Conditional.Json(http, new ExecutionListResource(page.Items, limit, next));
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string? benchmarkId, string executionId, IReevCluster cluster, ILogger logger, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        if (!Ids.IsValid(executionId))
        {
            return InvalidId(executionId);
        }

        var body = await JsonBody.ReadAsync<CancelBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: true, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        var grain = cluster.Grains.GetGrain<IExecutionGrain>(executionId);
        var view = await grain.ReadAsync().ConfigureAwait(false);
        if (view is null || (benchmarkId is not null && view.FlowId != benchmarkId))
        {
            return Problems.NotFound("Execution", executionId, "execution_id");
        }

        if (view.IsFinal || view.Status == ExecutionStatus.Consolidating)
        {
            return AlreadyFinished(executionId, view.Status, view.IsFinal
                ? $"Execution {executionId} is {JsonNamingPolicy.SnakeCaseLower.ConvertName(view.Status.ToString())}; there is nothing to cancel."
                : $"Execution {executionId} is consolidating: its steps are over and its outcome is decided; there is nothing to cancel.");
        }

        var caller = ExecutionSubmitter.Caller(http);
        await grain.CancelAsync(new CancelRequest(caller, body.Value!.Reason ?? "cancelled through the API")).ConfigureAwait(false);
        // The execution may have finished between the read above and the cancel's turn, which then changes nothing. The
        // read below is delivered after the cancel, so it tells whether the cancel took.
        if (await grain.ReadAsync().ConfigureAwait(false) is { Status: not ExecutionStatus.Cancelled } after)
        {
            return AlreadyFinished(executionId, after.Status,
                $"Execution {executionId} reached {JsonNamingPolicy.SnakeCaseLower.ConvertName(after.Status.ToString())} before the cancel; there is nothing to cancel.");
        }

        GatewayLog.ExecutionCancelled(logger, executionId, caller);
        var links = ExecutionSubmitter.Links(executionId);
        http.Response.Headers.Location = links.Self;
        return TypedResults.Json(new { execution_id = executionId, status = "cancelling", links }, GatewayJson.Options, "application/json", StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> AnswerAsync(HttpContext http, string executionId, IReevCluster cluster, IOptions<GatewayOptions> options, CancellationToken ct)
    {
        if (!Ids.IsValid(executionId))
        {
            return InvalidId(executionId);
        }

        var body = await JsonBody.ReadAsync<FulfillmentBody>(http.Request, options.Value.MaxRequestBodyBytes, optional: false, ct).ConfigureAwait(false);
        if (body.Problem is { } problem)
        {
            return problem;
        }

        if (body.Value!.Answer is not { } answer)
        {
            return Problems.Validation("answer", "answer: required (retry, skip, abort or alternate).");
        }

        var grain = cluster.Grains.GetGrain<IExecutionGrain>(executionId);
        var view = await grain.ReadAsync().ConfigureAwait(false);
        if (view is null)
        {
            return Problems.NotFound("Execution", executionId, "execution_id");
        }

        if (view.Status != ExecutionStatus.AwaitingUser || view.Question is not { } question)
        {
            return Problems.Conflict("not_awaiting_user", "The execution is not waiting for an answer.",
                $"Execution {executionId} is {JsonNamingPolicy.SnakeCaseLower.ConvertName(view.Status.ToString())}.");
        }

        if (body.Value.Question is { } asked && question.Sequence != 0 && asked != question.Sequence)
        {
            return Problems.Conflict("question_changed", "Another question is open.",
                $"Execution {executionId} asks question {question.Sequence} (step {question.Step}), not {asked}; read it and answer that one.",
                new Dictionary<string, object?> { ["execution_id"] = executionId, ["question"] = question.Sequence, ["field"] = "question" });
        }

        if (!question.Options.Contains(answer))
        {
            return Problems.Validation("answer", $"answer: '{answer.ToString().ToLowerInvariant()}' is not offered (options: {string.Join(", ", question.Options.Select(static o => o.ToString().ToLowerInvariant()))}).");
        }

        // Bound to the question read here: if it is answered or replaced before this answer's turn, the answer is ignored.
        var by = ExecutionSubmitter.Caller(http);
        await grain.AnswerAsync(answer, by, question.Sequence).ConfigureAwait(false);
        // Whether this answer was the one applied: the question's first resolution after it was asked (these reads are
        // delivered after the answer). Another caller's answer, or the default at the deadline, may have come first.
        var events = await grain.ReadEventsAsync(question.Sequence, 1000).ConfigureAwait(false);
        var resolution = events.FirstOrDefault(static e => e.Type is "answered" or "answer_timed_out" or "cancelled");
        if (resolution is null || resolution.Type != "answered" || resolution.Data?.GetValueOrDefault("by") != by || resolution.Data?.GetValueOrDefault("answer") != answer.ToString())
        {
            return Problems.Conflict("question_changed", "The question was settled otherwise.",
                $"Question {question.Sequence} of execution {executionId} was settled before this answer ({resolution?.Message ?? "it is no longer open"}); read the execution again.",
                new Dictionary<string, object?> { ["execution_id"] = executionId, ["question"] = question.Sequence, ["field"] = "answer" });
        }

        return TypedResults.Json(new { execution_id = executionId, answer, status = "answered", links = ExecutionSubmitter.Links(executionId) }, GatewayJson.Options, "application/json", StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// An execution as JSON. The ETag names the execution (versions of different runs must not match), and "the latest
    /// run" (<paramref name="latest"/>) is never cached as immutable: the next run replaces it.
    /// </summary>
    public static IResult Respond(HttpContext http, ExecutionView view, bool latest = false) =>
        Conditional.Json(http, ExecutionResource.From(view), $"{view.ExecutionId}-v{view.Version}",
            !latest && ExecutionResource.IsSettled(view) ? Freshness.Immutable : Freshness.Revalidate, ExecutionResource.PollAfter(view));

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult AlreadyFinished(string executionId, ExecutionStatus status, string detail) =>
        Problems.Conflict("already_finished", "The execution has already finished.", detail,
            new Dictionary<string, object?> { ["execution_id"] = executionId, ["status"] = JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString()) });

    public static IResult InvalidId(string id) =>
        Problems.Validation("execution_id", $"execution_id: '{(id.Length > 40 ? id[..40] + "..." : id)}' is not an execution id (letters, digits, '-', '_', '.', ':').");
}
