using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Reev.Cluster.Gateway.Tests.EndToEnd;

/// <summary>One server-sent event: <see cref="Id"/> is null for the closing <c>end</c> event.</summary>
public sealed record ServerSentEvent(long? Id, string Type, string Data)
{
    /// <summary>The step the event is about, from its JSON data, when it has one.</summary>
    public int? Step =>
        Id is not null && JsonDocument.Parse(Data).RootElement.TryGetProperty("step", out var step) && step.ValueKind == JsonValueKind.Number
            ? step.GetInt32()
            : null;

    public override string ToString() => $"{Id?.ToString(CultureInfo.InvariantCulture) ?? "-"}:{Type}";
}

/// <summary>
/// One live connection to <c>GET /api/v1/executions/{id}/events</c>, read event by event as the server writes them.
/// Disposing it drops the connection (the way a client that loses its network would).
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStreamReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>True once the server closed the stream.</summary>
    public bool Closed { get; private set; }

    public static async Task<EventStreamReader> OpenAsync(HttpClient client, string executionId, long? lastEventId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/executions/{Uri.EscapeDataString(executionId)}/events");
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                Assert.Fail($"opening the event stream of {executionId} after {lastEventId?.ToString(CultureInfo.InvariantCulture) ?? "the start"}: expected 200, got {(int)response.StatusCode}: {body}");
            }

            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new EventStreamReader(response, new StreamReader(stream));
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<ServerSentEvent?> NextAsync(CancellationToken cancellationToken)
    {
        long? id = null;
        string? type = null;
        string? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null)
                {
                    return new ServerSentEvent(id, type, data ?? string.Empty);
                }

                continue;
            }

            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        Assert.True(type is null && id is null, $"the stream closed in the middle of an event ({id}, {type})");
        Closed = true;
        return null;
    }

    /// <summary>Reads until an event matches <paramref name="stop"/> (returned last) or the stream closes.</summary>
    public async Task<List<ServerSentEvent>> ReadUntilAsync(Func<ServerSentEvent, bool> stop, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stop);
        var events = new List<ServerSentEvent>();
        while (await NextAsync(cancellationToken) is { } e)
        {
            events.Add(e);
            if (stop(e))
            {
                break;
            }
        }

        return events;
    }

    /// <summary>Reads to the end of the stream: the server must close it.</summary>
    public Task<List<ServerSentEvent>> ReadToEndAsync(CancellationToken cancellationToken) => ReadUntilAsync(static _ => false, cancellationToken);

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
