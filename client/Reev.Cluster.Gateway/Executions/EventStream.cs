using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Diagnostics;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Gateway.Http;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>
/// <c>GET /api/v1/executions/{id}/events</c>: server-sent events, one per state change in the execution's order,
/// <c>id:</c> = the event's sequence so that a reconnect with <c>Last-Event-ID</c> (or <c>?last_event_id=</c>)
/// resumes without loss or repetition. The stream ends after the <c>final</c> event (or, for an execution that is
/// already settled, once its events are out), with an <c>end</c> event that carries no id.
/// </summary>
internal static class EventStream
{
    private const int BatchSize = 200;

    public static async Task<IResult> StreamAsync(HttpContext http, string executionId, IReevCluster cluster, ExecutionChangeFeed feed, IOptions<GatewayOptions> options, TimeProvider timeProvider, CancellationToken ct)
    {
        if (!Ids.IsValid(executionId))
        {
            return ExecutionEndpoints.InvalidId(executionId);
        }

        var lastText = http.Request.Headers["Last-Event-ID"] is [{ Length: > 0 } header] ? header : http.Request.Query["last_event_id"] is [{ Length: > 0 } query] ? query : null;
        long after = 0;
        if (lastText is not null && (!long.TryParse(lastText, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            return Problems.Validation("Last-Event-ID", $"Last-Event-ID: '{lastText}' is not an event sequence number.");
        }

        var grain = cluster.Grains.GetGrain<IExecutionGrain>(executionId);
        if (await grain.ReadAsync().ConfigureAwait(false) is null)
        {
            return Problems.NotFound("Execution", executionId, "execution_id");
        }

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(ct).ConfigureAwait(false);
        GatewayTelemetry.EventStreams.Add(1);
        using var activity = GatewayTelemetry.Source.StartActivity("stream events");
        try
        {
            using var watch = feed.Follow(executionId);
            await PumpAsync(response, grain, watch, after, options.Value, timeProvider, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away; it resumes with Last-Event-ID.
        }
        finally
        {
            GatewayTelemetry.EventStreams.Add(-1);
        }

        return Results.Empty;
    }

    private static async Task PumpAsync(HttpResponse response, IExecutionGrain grain, IExecutionWatch watch, long after, GatewayOptions options, TimeProvider timeProvider, CancellationToken ct)
    {
        var lastWrite = timeProvider.GetTimestamp();
        var settled = false;
        while (true)
        {
            var changed = watch.NextChange; // taken before the read: a change committed after the read completes it
            var events = await grain.ReadEventsAsync(after, BatchSize).ConfigureAwait(false);
            foreach (var e in events)
            {
                await WriteAsync(response, e, ct).ConfigureAwait(false);
                after = e.Sequence;
                if (e.Type == "final")
                {
                    await EndAsync(response, ct).ConfigureAwait(false);
                    return;
                }
            }

            if (events.Count > 0)
            {
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
                lastWrite = timeProvider.GetTimestamp();
                if (events.Count == BatchSize)
                {
                    continue;
                }
            }
            else if (await grain.ReadAsync().ConfigureAwait(false) is not { } view || ExecutionResource.IsSettled(view))
            {
                // Settled without a "final" event (a cancelled execution ends with its consolidation), or resumed after
                // the end: read once more (events may have landed between the two reads), then end.
                if (settled)
                {
                    await EndAsync(response, ct).ConfigureAwait(false);
                    return;
                }

                settled = true;
                continue;
            }

            // Wait for the execution's next change (the feed polls the read model for all streams at once), or until the
            // heartbeat is due, and then read again anyway: a change the feed did not see (its read model unreachable)
            // is late by a heartbeat interval at most, never lost.
            var heartbeatDue = options.EventHeartbeatInterval - timeProvider.GetElapsedTime(lastWrite);
            if (heartbeatDue > TimeSpan.Zero)
            {
                try
                {
                    await changed.WaitAsync(heartbeatDue, timeProvider, ct).ConfigureAwait(false);
                    continue;
                }
                catch (TimeoutException)
                {
                    // The heartbeat is due.
                }
            }

            await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            lastWrite = timeProvider.GetTimestamp();
        }
    }

    private static async Task WriteAsync(HttpResponse response, ExecutionEvent e, CancellationToken ct)
    {
        var data = JsonSerializer.Serialize(new SseEvent(e.Sequence, e.Type, e.At, e.Step, e.Message, e.Data), GatewayJson.Options);
        var text = new StringBuilder()
            .Append("id: ").Append(e.Sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(e.Type).Append('\n')
            .Append("data: ").Append(data).Append("\n\n")
            .ToString();
        await response.WriteAsync(text, ct).ConfigureAwait(false);
    }

    private static async Task EndAsync(HttpResponse response, CancellationToken ct)
    {
        await response.WriteAsync("event: end\ndata: {}\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private sealed record SseEvent(long Sequence, string Type, DateTimeOffset At, int? Step, string Message, IReadOnlyDictionary<string, string>? Data);
}
