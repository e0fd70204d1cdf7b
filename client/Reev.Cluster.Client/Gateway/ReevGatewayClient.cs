using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reev.Cluster.Client.Gateway;

/// <summary>
/// A typed client of the REST gateway (for the CLI's remote mode and other tools): submit, read, list, cancel,
/// answer, and follow the event stream, resuming with <c>Last-Event-ID</c> when the connection drops. The
/// <see cref="HttpClient"/> carries the base address; the API key is sent as <c>X-Api-Key</c>.
/// </summary>
public sealed class ReevGatewayClient
{
    private static readonly JsonSerializerOptions Json = CreateJson();
    private readonly HttpClient _http;
    private readonly string? _apiKey;
    private readonly TimeProvider _timeProvider;

    public ReevGatewayClient(HttpClient http, string? apiKey = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _apiKey = apiKey;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// An event stream silent for this long is taken as dropped and resumed (default 45 s: three of the gateway's 15 s
    /// heartbeats). A connection that dies without a reset (a node gone, a NAT timeout) would otherwise wait for ever.
    /// </summary>
    public TimeSpan StreamIdleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Runs a flow file of the gateway's benchmark folder. <paramref name="body"/>: agent, atomic_mode, seed, faults, recovery_config.</summary>
    public Task<GatewayResponse<GatewayAccepted>> RunBenchmarkAsync(string benchmarkId, object? body, string? idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<GatewayAccepted>(HttpMethod.Post, $"api/v1/benchmarks/{Uri.EscapeDataString(benchmarkId)}/run", body ?? new { }, idempotencyKey, cancellationToken);

    /// <summary>Plans and runs a prompt; <paramref name="mode"/> is direct, bridge (execute-dynamic) or recovery.</summary>
    public Task<GatewayResponse<GatewayAccepted>> ExecutePromptAsync(string mode, object body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var path = mode switch
        {
            "direct" => "execute-direct",
            "bridge" => "execute-dynamic",
            "recovery" => "execute-recovery",
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "direct, bridge or recovery"),
        };
        return SendAsync<GatewayAccepted>(HttpMethod.Post, "api/v1/benchmarks/" + path, body, idempotencyKey, cancellationToken);
    }

    public Task<GatewayResponse<GatewayExecution>> GetExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        SendAsync<GatewayExecution>(HttpMethod.Get, $"api/v1/executions/{Uri.EscapeDataString(executionId)}", null, null, cancellationToken);

    public Task<GatewayResponse<GatewayExecutionPage>> ListExecutionsAsync(string? status, string? benchmarkId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var query = new List<string>();
        Add(query, "status", status);
        Add(query, "benchmark_id", benchmarkId);
        Add(query, "limit", limit?.ToString(CultureInfo.InvariantCulture));
        Add(query, "cursor", cursor);
        return SendAsync<GatewayExecutionPage>(HttpMethod.Get, "api/v1/executions" + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query)), null, null, cancellationToken);
    }

    /// <summary>The step sessions an execution recorded (a step that ran twice shows twice).</summary>
    public Task<GatewayResponse<GatewaySessionList>> ListSessionsAsync(string executionId, CancellationToken cancellationToken) =>
        SendAsync<GatewaySessionList>(HttpMethod.Get, $"api/v1/flows/{Uri.EscapeDataString(executionId)}/sessions", null, null, cancellationToken);

    /// <summary>Cancels a running execution (a finished one answers 409 <c>already_finished</c>).</summary>
    public Task<GatewayResponse<JsonElementBox>> CancelAsync(string executionId, string? reason, CancellationToken cancellationToken) =>
        SendAsync<JsonElementBox>(HttpMethod.Delete, $"api/v1/executions/{Uri.EscapeDataString(executionId)}", reason is null ? null : new { reason }, null, cancellationToken);

    /// <summary>Answers an execution awaiting its user: retry, skip, abort or alternate.</summary>
    public Task<GatewayResponse<JsonElementBox>> AnswerAsync(string executionId, string answer, CancellationToken cancellationToken) =>
        SendAsync<JsonElementBox>(HttpMethod.Post, $"api/v1/executions/{Uri.EscapeDataString(executionId)}/fulfillment", new { answer }, null, cancellationToken);

    /// <summary>
    /// The execution's events after <paramref name="afterSequence"/>, live, until the stream's end. A dropped
    /// connection is resumed with <c>Last-Event-ID</c> (after a short pause), so no event is lost or repeated.
    /// </summary>
    public async IAsyncEnumerable<GatewayEvent> StreamEventsAsync(string executionId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = afterSequence;
        var failures = 0;
        var throttled = 0;
        while (true)
        {
            using var request = Request(HttpMethod.Get, $"api/v1/executions/{Uri.EscapeDataString(executionId)}/events", null, null);
            request.Headers.Add("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (++failures <= 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(failures), _timeProvider, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.TooManyRequests && ++throttled <= RateLimitRetries)
                {
                    await Task.Delay(RetryAfter(response), _timeProvider, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException((await ProblemAsync(response, cancellationToken).ConfigureAwait(false)).ToString(), null, response.StatusCode);
                }

                var ended = false;
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                using var idleTimer = _timeProvider.CreateTimer(static state => CancelQuietly((CancellationTokenSource)state!), idle, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var reader = new StreamReader(stream);
                string? type = null;
                string? data = null;
                while (true)
                {
                    string? line;
                    try
                    {
                        idleTimer.Change(StreamIdleTimeout, Timeout.InfiniteTimeSpan);
                        line = await reader.ReadLineAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        break; // dropped: resume from the last event
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        break; // silent past the idle timeout: taken as dropped, resumed from the last event
                    }

                    if (line is null)
                    {
                        break;
                    }

                    if (line.Length > 0)
                    {
                        if (line.StartsWith("event: ", StringComparison.Ordinal))
                        {
                            type = line[7..];
                        }
                        else if (line.StartsWith("data: ", StringComparison.Ordinal))
                        {
                            data = line[6..];
                        }

                        continue;
                    }

                    if (type == "end")
                    {
                        ended = true;
                        break;
                    }

                    if (type is not null && data is not null && JsonSerializer.Deserialize<GatewayEvent>(data, Json) is { } e && e.Sequence > last)
                    {
                        last = e.Sequence;
                        failures = 0;
                        yield return e;
                    }

                    (type, data) = (null, null);
                }

                if (ended)
                {
                    yield break;
                }
            }

            if (++failures > 5)
            {
                throw new HttpRequestException($"the event stream of {executionId} kept dropping (last event {last})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500 * failures), _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream ended meanwhile.
        }
    }

    private async Task<GatewayResponse<T>> SendAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendWithinRateLimitAsync(method, path, body, idempotencyKey, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return new(null, await ProblemAsync(response, cancellationToken).ConfigureAwait(false));
        }

        if (typeof(T) == typeof(JsonElementBox))
        {
            var element = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken).ConfigureAwait(false);
            return new((T)(object)new JsonElementBox(element), null);
        }

        return new(await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>
    /// Sends, and when the gateway answers 429 (its per-key rate limit), waits as its <c>Retry-After</c> says (at most
    /// <see cref="MaxRateLimitWait"/> each time) and sends again, up to <see cref="RateLimitRetries"/> times: a refused
    /// request did not run, so sending it again is safe. A load run or a script that outpaces the limit slows down
    /// instead of failing.
    /// </summary>
    private async Task<HttpResponseMessage> SendWithinRateLimitAsync(HttpMethod method, string path, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = Request(method, path, body, idempotencyKey);
            var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt >= RateLimitRetries)
            {
                return response;
            }

            var wait = RetryAfter(response);
            response.Dispose();
            await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The wait a 429 asks for (its Retry-After, 1 s without one), within 0 and <see cref="MaxRateLimitWait"/>.</summary>
    private TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var wait = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - _timeProvider.GetUtcNow() : (TimeSpan?)null)
            ?? TimeSpan.FromSeconds(1);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > MaxRateLimitWait ? MaxRateLimitWait : wait;
    }

    /// <summary>How often a request refused by the rate limit (429) is sent again (default 20).</summary>
    public int RateLimitRetries { get; init; } = 20;

    /// <summary>The longest wait for one <c>Retry-After</c> (default 30 s).</summary>
    public TimeSpan MaxRateLimitWait { get; init; } = TimeSpan.FromSeconds(30);

    private HttpRequestMessage Request(HttpMethod method, string path, object? body, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(method, path);
        if (_apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", _apiKey);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        return request;
    }

    private static async Task<GatewayProblem> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken).ConfigureAwait(false);
            return new GatewayProblem(
                status,
                Text(problem, "code") ?? "http_" + status.ToString(CultureInfo.InvariantCulture),
                Text(problem, "title") ?? response.ReasonPhrase ?? string.Empty,
                Text(problem, "detail"),
                Text(problem, "field"));
        }
        catch (JsonException)
        {
            return new GatewayProblem(status, "http_" + status.ToString(CultureInfo.InvariantCulture), response.ReasonPhrase ?? string.Empty, null, null);
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>An untyped JSON answer (cancel, answer).</summary>
public sealed record JsonElementBox(JsonElement Json);
