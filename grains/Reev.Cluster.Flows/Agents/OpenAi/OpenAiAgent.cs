using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Agents.OpenAi;

/// <summary>
/// An agent backed by an OpenAI-compatible chat-completions endpoint with tool calling: sends the step prompt,
/// the run's addresses and the ten tool definitions, runs every tool call the model returns through the step's
/// tools (which record them), feeds the results back, and stops when the model answers without tool calls or
/// after <see cref="OpenAiAgentOptions.MaxTurns"/>. Endpoint failures raise <see cref="FlowAgentException"/>
/// (transient for 408, 429, 5xx, network errors and request timeouts). Without an API key the public endpoint is not
/// called: the step fails at once, permanently, naming the settings (<see cref="MissingKey"/>).
/// </summary>
public sealed class OpenAiAgent : IFlowAgent
{
    /// <summary>Registry name.</summary>
    public const string AgentName = "openai";

    /// <summary>Why a step fails when the public endpoint is configured without a key.</summary>
    public const string MissingKey =
        "no API key for " + OpenAiAgentOptions.DefaultBaseUrl + ": set " + OpenAiAgentOptions.SectionName + ":ApiKey " +
        "(environment variable Reev__Agents__OpenAi__ApiKey), or " + OpenAiAgentOptions.SectionName + ":BaseUrl to a server that needs no key";

    /// <summary>Name of the <see cref="IHttpClientFactory"/> client.</summary>
    public const string HttpClientName = "reev-openai";

    private readonly Func<HttpClient> _client;
    private readonly OpenAiAgentOptions _options;
    private readonly FlowsMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>An agent on a client from <paramref name="clients"/> (<see cref="HttpClientName"/>) per step.</summary>
    public OpenAiAgent(IHttpClientFactory clients, IOptions<OpenAiAgentOptions> options, FlowsMetrics? metrics = null, ILogger<OpenAiAgent>? logger = null, TimeProvider? timeProvider = null)
        : this(() => clients.CreateClient(HttpClientName), options, metrics, logger, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(clients);
    }

    /// <summary>An agent on one client (tests, tools).</summary>
    public OpenAiAgent(HttpClient client, IOptions<OpenAiAgentOptions> options, FlowsMetrics? metrics = null, ILogger<OpenAiAgent>? logger = null, TimeProvider? timeProvider = null)
        : this(() => client, options, metrics, logger, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
    }

    private OpenAiAgent(Func<HttpClient> client, IOptions<OpenAiAgentOptions> options, FlowsMetrics? metrics, ILogger<OpenAiAgent>? logger, TimeProvider? timeProvider)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public string Name => AgentName;

    /// <inheritdoc/>
    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(_options.ApiKey) && IsPublicEndpoint(_options.BaseUrl))
        {
            // The public endpoint refuses every request without a key: failing now, permanently, says what to set
            // instead of retrying an unauthenticated (or, offline, unresolvable) endpoint for a minute.
            throw new FlowAgentException(MissingKey) { IsTransient = false };
        }

        var client = _client();
        var endpoint = new Uri(EnsureSlash(_options.BaseUrl), "chat/completions");
        var messages = new JsonArray
        {
            new JsonObject { ["role"] = "system", ["content"] = SystemPrompt(request) },
            new JsonObject { ["role"] = "user", ["content"] = request.KeyMap.Substitute(request.Prompt) },
        };
        var tools = ToolsJson(request.Tools.Definitions);
        var text = "";
        for (var turn = 1; turn <= _options.MaxTurns; turn++)
        {
            var message = await CompleteAsync(client, endpoint, messages, tools, turn, cancellationToken).ConfigureAwait(false);
            text = message["content"]?.GetValueKind() == JsonValueKind.String ? message["content"]!.GetValue<string>() : text;
            if (message["tool_calls"] is not JsonArray calls || calls.Count == 0)
            {
                break;
            }

            messages.Add(message.DeepClone());
            foreach (var call in calls)
            {
                // A 200 response is still the model's (or a proxy's) text: every field is checked before it is read.
                var (id, name, arguments) = ToolCall(call);
                var record = await request.Tools.InvokeAsync(name, arguments, cancellationToken).ConfigureAwait(false);
                messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = id, ["content"] = ToolContent(record) });
            }
        }

        return new AgentResult(new EquatableArray<ToolCallRecord>(request.Tools.Calls), text);
    }

    private async Task<JsonObject> CompleteAsync(HttpClient client, Uri endpoint, JsonArray messages, JsonArray tools, int turn, CancellationToken cancellationToken)
    {
        using var activity = FlowsTelemetry.Source.StartActivity("agent chat");
        activity?.SetTag("reev.agent", AgentName);
        activity?.SetTag("gen_ai.request.model", _options.Model);
        var body = new JsonObject
        {
            ["model"] = _options.Model,
            ["messages"] = messages.DeepClone(),
            ["tools"] = tools.DeepClone(),
            ["tool_choice"] = "auto",
        };
        using var httpRequest = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(_options.ApiKey))
        {
            httpRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
        }

        FlowsLog.AgentRequest(_logger, AgentName, turn, endpoint.GetLeftPart(UriPartial.Path));
        using var deadline = new CancellationTokenSource(_options.RequestTimeout, _timeProvider);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        string payload;
        HttpStatusCode status;
        try
        {
            using var response = await client.SendAsync(httpRequest, timeout.Token).ConfigureAwait(false);
            status = response.StatusCode;
            payload = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure($"request timed out after {_options.RequestTimeout.TotalSeconds:0} s", transient: true, ex, activity);
        }
        catch (HttpRequestException ex)
        {
            throw Failure($"endpoint unreachable: {ex.Message}", transient: true, ex, activity);
        }

        if ((int)status is < 200 or > 299)
        {
            var transient = status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;
            throw Failure($"endpoint returned {(int)status} {status}: {Shorten(payload)}", transient, null, activity);
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(payload);
        }
        catch (JsonException ex)
        {
            throw Failure($"response is not JSON: {Shorten(payload)}", transient: false, ex, activity);
        }

        if (root is JsonObject { } completion && completion["choices"] is JsonArray { Count: > 0 } choices &&
            choices[0] is JsonObject choice && choice["message"] is JsonObject message)
        {
            _metrics?.AgentRequest(AgentName, "ok");
            return message;
        }

        throw Failure($"response has no choices[0].message: {Shorten(payload)}", transient: false, null, activity);
    }

    /// <summary>The id, function name and arguments of one entry of a message's tool_calls, or a permanent failure.</summary>
    private (string Id, string Name, string Arguments) ToolCall(JsonNode? call)
    {
        if (call is not JsonObject { } entry || entry["function"] is not JsonObject function)
        {
            throw Failure($"response has a tool call without a function: {Shorten(call?.ToJsonString() ?? "null")}", transient: false, null, null);
        }

        var id = entry["id"] switch
        {
            null => "",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            JsonValue value when value.GetValueKind() == JsonValueKind.Number => value.ToJsonString(),
            var other => throw Failure($"response has a tool call id that is not a string: {Shorten(other.ToJsonString())}", transient: false, null, null),
        };
        // A missing name is fed back to the model as an unknown tool, as any wrong name is; a name that is not text is not a call.
        var name = function["name"] switch
        {
            null => "",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var other => throw Failure($"response has a tool call whose function name is not a string: {Shorten(other.ToJsonString())}", transient: false, null, null),
        };
        var arguments = function["arguments"] switch
        {
            null => "{}",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var other => other.ToJsonString(),
        };
        return (id, name, arguments);
    }

    private FlowAgentException Failure(string message, bool transient, Exception? inner, Activity? activity)
    {
        _metrics?.AgentRequest(AgentName, transient ? "transient_error" : "error");
        FlowsLog.AgentRequestFailed(_logger, AgentName, message);
        activity?.SetStatus(ActivityStatusCode.Error, message);
        return inner is null ? new FlowAgentException(message) { IsTransient = transient } : new FlowAgentException(message, inner) { IsTransient = transient };
    }

    private static string SystemPrompt(AgentRequest request)
    {
        var builder = new StringBuilder();
        builder.AppendLine("You are a Solana DeFi agent. Complete the user's task by calling the tools; do not ask questions.");
        builder.AppendLine("Amounts are integers in base units: lamports for SOL (1 SOL = 1000000000), 10^6 per USDC or USDT.");
        builder.AppendLine("Addresses of this run:");
        foreach (var (name, address) in request.KeyMap.Entries.OrderBy(static e => e.Key, StringComparer.Ordinal))
        {
            builder.Append("- ").Append(name).Append(": ").AppendLine(address);
        }

        if (request.Hints.AmountOverride is { } amount)
        {
            builder.Append("Use exactly ").Append(amount).AppendLine(" base units for the main action.");
        }

        if (request.Hints.Venue is { } venue)
        {
            builder.Append("Swap on the ").Append(venue).AppendLine(" venue (pass \"venue\" to jupiter_swap).");
        }

        return builder.ToString();
    }

    private static JsonArray ToolsJson(IReadOnlyList<ToolDefinition> definitions)
    {
        var tools = new JsonArray();
        foreach (var definition in definitions)
        {
            tools.Add(new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = definition.Name,
                    ["description"] = definition.Description,
                    ["parameters"] = JsonNode.Parse(definition.ParametersSchema),
                },
            });
        }

        return tools;
    }

    private static string ToolContent(ToolCallRecord record) => record.Success
        ? record.ResultJson ?? "{}"
        : new JsonObject
        {
            ["error"] = record.Error?.Message,
            ["kind"] = record.Error?.Kind.ToString(),
            ["retryable"] = record.Error?.Retryable,
        }.ToJsonString();

    /// <summary>True for the default endpoint's host: a server of one's own (any other host) may need no key.</summary>
    private static bool IsPublicEndpoint(Uri baseUrl) =>
        string.Equals(baseUrl.Host, new Uri(OpenAiAgentOptions.DefaultBaseUrl).Host, StringComparison.OrdinalIgnoreCase);

    private static Uri EnsureSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    private static string Shorten(string text) => text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 197), "...");
}
