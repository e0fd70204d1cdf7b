using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.Gateway.Security;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Sessions;

/// <summary>
/// Step sessions (session id = step grain key, <c>&lt;execution&gt;:&lt;step&gt;[:altN]</c>) and consolidated sessions.
/// Listings and status come from the read models; a whole session (every attempt with its tool calls) from its grain.
/// </summary>
internal static class SessionEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/flows/{flowId}/sessions", ListAsync).WithName("ListSessions").Produces<SessionList>();
        api.MapGet("/sessions/consolidated/{sessionId}", GetConsolidatedAsync).WithName("GetConsolidatedSession").Produces<ConsolidatedResource>();
        api.MapGet("/sessions/{sessionId}", GetAsync).WithName("GetSession").Produces<StepSession>();
        api.MapGet("/sessions/{sessionId}/status", GetStatusAsync).WithName("GetSessionStatus").Produces<StepSessionSummary>();
        api.MapDelete("/sessions/{sessionId}", DeleteAsync).WithMetadata(new RequiredRole(GatewayRole.Operator)).WithName("DeleteSession");
        api.MapGet("/executions/{executionId}/consolidated", GetConsolidatedForExecutionAsync).WithName("GetExecutionConsolidated").Produces<ConsolidatedResource>();
        api.MapGet("/consolidation/{executionId}/status", GetConsolidationStatusAsync).WithName("GetConsolidationStatus");
    }

    private static async Task<IResult> ListAsync(HttpContext http, string flowId, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsValid(flowId))
        {
            return Problems.Validation("flow_id", "flow_id: not an execution id.");
        }

        var sessions = await cluster.ReadModel.ListStepSessionsAsync(flowId, ct).ConfigureAwait(false);
        if (sessions.Count == 0 && await cluster.ReadModel.GetExecutionAsync(flowId, ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("Execution", flowId, "flow_id");
        }

        return Conditional.Json(http, new SessionList(flowId, sessions));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string sessionId, IReevCluster cluster)
    {
        if (!IsStepKey(sessionId))
        {
            return Problems.Validation("session_id", "session_id: not a step session id (<execution_id>:<step>[:altN]).");
        }

        var session = await cluster.Grains.GetGrain<IStepGrain>(sessionId).ReadAsync().ConfigureAwait(false);
        if (session is null)
        {
            return Problems.NotFound("Session", sessionId, "session_id");
        }

        var finished = session.Status is StepRunStatus.Succeeded or StepRunStatus.Failed or StepRunStatus.Cancelled && session.Reported;
        return Conditional.Json(http, session, null, finished ? Freshness.Immutable : Freshness.Revalidate);
    }

    private static async Task<IResult> GetStatusAsync(HttpContext http, string sessionId, IReevCluster cluster, CancellationToken ct)
    {
        if (!IsStepKey(sessionId))
        {
            return Problems.Validation("session_id", "session_id: not a step session id (<execution_id>:<step>[:altN]).");
        }

        var row = await cluster.ReadModel.GetStepSessionAsync(sessionId, ct).ConfigureAwait(false);
        return row is null ? Problems.NotFound("Session", sessionId, "session_id") : Conditional.Json(http, row);
    }

    private static async Task<IResult> DeleteAsync(string sessionId, IReevCluster cluster, CancellationToken ct)
    {
        if (!IsStepKey(sessionId))
        {
            return Problems.Validation("session_id", "session_id: not a step session id (<execution_id>:<step>[:altN]).");
        }

        if (await cluster.ReadModel.GetStepSessionAsync(sessionId, ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound("Session", sessionId, "session_id");
        }

        // Sessions are the durable record of what an agent did (scores, consolidation and the playbook read them).
        return Problems.Conflict("session_retained", "Step sessions are retained.",
            $"Session {sessionId} is part of its execution's durable record and cannot be deleted; cancel the execution to stop it.");
    }

    private static async Task<IResult> GetConsolidatedAsync(HttpContext http, string sessionId, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsValid(sessionId))
        {
            return Problems.Validation("session_id", "session_id: not a consolidated session id.");
        }

        var row = await cluster.ReadModel.GetConsolidatedBySessionIdAsync(sessionId, ct).ConfigureAwait(false);
        return row is null ? Problems.NotFound("Consolidated session", sessionId, "session_id") : Conditional.Json(http, ConsolidatedResource.From(row));
    }

    private static async Task<IResult> GetConsolidatedForExecutionAsync(HttpContext http, string executionId, IReevCluster cluster, CancellationToken ct)
    {
        if (!Ids.IsValid(executionId))
        {
            return ExecutionEndpoints.InvalidId(executionId);
        }

        var row = await cluster.ReadModel.GetConsolidatedByExecutionAsync(executionId, ct).ConfigureAwait(false);
        if (row is not null)
        {
            return Conditional.Json(http, ConsolidatedResource.From(row));
        }

        return await cluster.ReadModel.GetExecutionAsync(executionId, ct).ConfigureAwait(false) is null
            ? Problems.NotFound("Execution", executionId, "execution_id")
            : Problems.NotFound("Consolidated session", $"for execution {executionId} (not consolidated yet)", "execution_id");
    }

    private static async Task<IResult> GetConsolidationStatusAsync(HttpContext http, string executionId, IReevCluster cluster)
    {
        if (!Ids.IsValid(executionId))
        {
            return ExecutionEndpoints.InvalidId(executionId);
        }

        var view = await cluster.Grains.GetGrain<IExecutionGrain>(executionId).ReadAsync().ConfigureAwait(false);
        if (view is null)
        {
            return Problems.NotFound("Execution", executionId, "execution_id");
        }

        var consolidation = view.Consolidation;
        var status = consolidation?.Status ?? ConsolidationStatus.Pending;
        var includeMetadata = http.Request.Query["include_metadata"] is [{ } flag] && bool.TryParse(flag, out var include) && include;
        var body = new ConsolidationStatusResource(
            executionId,
            status is ConsolidationStatus.Completed or ConsolidationStatus.Failed or ConsolidationStatus.TimedOut,
            consolidation?.ConsolidatedSessionId,
            status,
            status switch
            {
                ConsolidationStatus.Pending => view.IsFinal ? "Consolidation queued" : "The execution has not finished its steps",
                ConsolidationStatus.InProgress => "Consolidation in progress",
                ConsolidationStatus.Completed => "Consolidation completed",
                ConsolidationStatus.TimedOut => "Consolidation timed out (score 0; the execution's outcome stands)",
                _ => "Consolidation failed: " + consolidation?.Error,
            },
            consolidation?.PhasesCompleted ?? [],
            consolidation?.FinishedAt ?? view.UpdatedAt,
            includeMetadata ? consolidation : null);
        var settled = body.Complete;
        return Conditional.Json(http, body, $"v{view.Version}", settled ? Freshness.Immutable : Freshness.Revalidate);
    }

    private static bool IsStepKey(string id) => Ids.IsValid(id) && id.Contains(':', StringComparison.Ordinal);
}

internal sealed record SessionList(string FlowId, IReadOnlyList<StepSessionSummary> Sessions);

internal sealed record ConsolidationStatusResource(
    string ExecutionId,
    bool Complete,
    string? ConsolidatedSessionId,
    ConsolidationStatus Status,
    string Message,
    IReadOnlyList<string> PhasesCompleted,
    DateTimeOffset UpdatedAt,
    ConsolidationView? Metadata);

/// <summary>A consolidated session in the reference's shape (<c>session_id, execution_id, content, metadata{...}</c>).</summary>
internal sealed record ConsolidatedResource(string SessionId, string ExecutionId, string Status, string Content, ConsolidatedMetadata Metadata, IReadOnlyList<string> PhasesCompleted, string? Error, DateTimeOffset CreatedAt, bool Success)
{
    public static ConsolidatedResource From(ConsolidatedSessionSummary row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new ConsolidatedResource(row.ConsolidatedSessionId, row.ExecutionId, row.Status, row.ConsolidatedContent,
            new ConsolidatedMetadata(row.AvgScore, row.TotalTools, row.SuccessRate, row.ExecutionDurationMs, row.OriginalSessionIds.Count, row.OriginalSessionIds),
            row.PhasesCompleted, row.Error, row.UpdatedAt, row.Status == "completed");
    }
}

internal sealed record ConsolidatedMetadata(double AvgScore, int TotalTools, double SuccessRate, double ExecutionDurationMs, int SessionCount, IReadOnlyList<string> OriginalSessionIds);
