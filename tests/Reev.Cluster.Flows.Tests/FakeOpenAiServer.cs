using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace Reev.Cluster.Flows.Tests;

/// <summary>
/// An OpenAI-compatible chat-completions server on a loopback socket (HttpListener). Each request is answered by
/// the responder with the parsed request body; requests and their Authorization headers are recorded.
/// </summary>
internal sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Func<JsonObject, int, (int Status, string Body)> _responder;
    private readonly Task _loop;
    private readonly List<(string Path, string? Authorization, JsonObject Body)> _requests = [];

    public FakeOpenAiServer(Func<JsonObject, int, (int Status, string Body)> responder)
    {
        _responder = responder;
        // The port found free can be taken before the listener binds it (another test's server, a gateway): try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
            }
            catch (HttpListenerException) when (attempt < 10)
            {
                listener.Close();
                continue;
            }

            _listener = listener;
            BaseUrl = new Uri($"http://127.0.0.1:{port}/v1/");
            break;
        }

        _loop = Task.Run(LoopAsync);
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<(string Path, string? Authorization, JsonObject Body)> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>A chat completion whose message calls tools: (id, name, arguments JSON).</summary>
    public static string ToolCalls(params (string Id, string Name, string Arguments)[] calls)
    {
        var toolCalls = new JsonArray();
        foreach (var (id, name, arguments) in calls)
        {
            toolCalls.Add(new JsonObject { ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments } });
        }

        return Completion(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = toolCalls }, "tool_calls");
    }

    /// <summary>A chat completion with a final text answer.</summary>
    public static string Text(string content) => Completion(new JsonObject { ["role"] = "assistant", ["content"] = content }, "stop");

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _loop;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static string Completion(JsonObject message, string finishReason) => new JsonObject
    {
        ["id"] = "chatcmpl-test",
        ["object"] = "chat.completion",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = finishReason }),
    }.ToJsonString();

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = JsonNode.Parse(await reader.ReadToEndAsync()) as JsonObject ?? [];
            int index;
            lock (_requests)
            {
                _requests.Add((context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body));
                index = _requests.Count - 1;
            }

            var (status, text) = _responder(body, index);
            var bytes = Encoding.UTF8.GetBytes(text);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
