using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Diagrams;

/// <summary><c>GET /api/v1/flows/{id}?format=json|html|mermaid</c>: the diagram of an execution or of a consolidated session.</summary>
internal static class DiagramEndpoints
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/flows/{id}", GetAsync).WithName("GetFlowDiagram").Produces<DiagramResource>().Produces(StatusCodes.Status200OK, contentType: "text/html");

    private static async Task<IResult> GetAsync(HttpContext http, string id, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsValid(id))
        {
            return Problems.Validation("id", "id: not an execution or consolidated session id.");
        }

        var format = http.Request.Query["format"] is [{ Length: > 0 } f] ? f.ToLowerInvariant() : "json";
        if (format is not ("json" or "html" or "mermaid"))
        {
            return Problems.Validation("format", $"format: '{format}' is not json, html or mermaid.");
        }

        var executionId = id;
        var view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        if (view is null && await cluster.ReadModel.GetConsolidatedBySessionIdAsync(id, ct).ConfigureAwait(false) is { } consolidated)
        {
            executionId = consolidated.ExecutionId;
            view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        }

        if (view is null)
        {
            return Problems.NotFound("Flow", id, "id");
        }

        var sessions = await ExecutionSessions.LoadAsync(cluster, executionId, ct).ConfigureAwait(false);
        var diagram = MermaidDiagram.Build(view, sessions);
        var toolCalls = sessions.SelectMany(s => (s.Session?.Attempts.LastOrDefault()?.ToolCalls.ToList() ?? []).Select(c => new DiagramToolCall(
            c.ToolName, s.Row.StepIndex, s.Row.SessionId, MermaidDiagram.Describe(c), c.ArgumentsJson, c.DurationMs, c.Success, c.Error?.Message))).ToList();
        var resource = new DiagramResource(id, executionId, diagram.Diagram,
            new DiagramMetadata(diagram.StateCount, diagram.ToolCount, diagram.ExecutionTimeMs, view.FlowId, id, view.Status), toolCalls);
        var freshness = ExecutionResource.IsSettled(view) ? Freshness.Immutable : Freshness.Revalidate;
        return format switch
        {
            "mermaid" => TypedResults.Text(diagram.Diagram, "text/plain; charset=utf-8"),
            "html" => TypedResults.Text(Html(resource), "text/html; charset=utf-8"),
            _ => Conditional.Json(http, resource, $"d{view.Version}", freshness),
        };
    }

    private static string Html(DiagramResource resource) => $$"""
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(resource.ExecutionId)}}</title>
        <script type="module">import mermaid from "https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs"; mermaid.initialize({ startOnLoad: true });</script>
        </head><body><h1>{{WebUtility.HtmlEncode(resource.Metadata.BenchmarkId)}} · {{WebUtility.HtmlEncode(resource.ExecutionId)}}</h1>
        <pre class="mermaid">{{WebUtility.HtmlEncode(resource.Diagram)}}</pre></body></html>
        """;
}

internal sealed record DiagramResource(string SessionId, string ExecutionId, string Diagram, DiagramMetadata Metadata, IReadOnlyList<DiagramToolCall> ToolCalls);

internal sealed record DiagramMetadata(int StateCount, int ToolCount, double ExecutionTimeMs, string BenchmarkId, string SessionId, ExecutionStatus Status);

internal sealed record DiagramToolCall(string ToolName, int Step, string SessionId, string Summary, string Params, double DurationMs, bool Success, string? Error);
