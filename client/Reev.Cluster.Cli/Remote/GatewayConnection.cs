using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Client.Gateway;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// The HTTP connection of remote mode: a <see cref="ReevGatewayClient"/> over an <see cref="HttpClient"/> whose
/// connect and request timeouts are short, so that an unreachable gateway is an error in seconds, never a hang.
/// Event streams are not bound by the request timeout (it ends once the response headers are in).
/// </summary>
internal sealed class GatewayConnection : IDisposable
{
    /// <summary>How long a TCP connect may take: a gateway that does not accept in this time is unreachable.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    /// <summary>How long one request may take to answer (202s, reads and listings answer in milliseconds).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    private GatewayConnection(Uri baseAddress, string? apiKey, TimeProvider timeProvider)
    {
        BaseAddress = baseAddress;
        HasApiKey = apiKey is not null;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = ConnectTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = RequestTimeout,
        };
        Client = new ReevGatewayClient(_http, apiKey, timeProvider);
    }

    public Uri BaseAddress { get; }

    public bool HasApiKey { get; }

    public ReevGatewayClient Client { get; }

    /// <summary>The connection of <c>--gateway</c>, or the error of a malformed URL (or of <c>--postgres</c> given too).</summary>
    public static GatewayConnection? Open(CliContext cli, out CliError? error)
    {
        ArgumentNullException.ThrowIfNull(cli);
        error = null;
        if (cli.Gateway is not { } text)
        {
            error = new CliError("invalid_arguments", $"this command drives a running cluster: pass --gateway <url> (or set {ReevCommandLine.GatewayVariable})");
            return null;
        }

        if (cli.Postgres is not null)
        {
            error = new CliError("invalid_arguments", "--gateway and --postgres exclude each other: a remote command runs where the gateway's cluster runs");
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps) || url.Query.Length > 0)
        {
            error = new CliError("invalid_gateway", $"--gateway: '{text}' is not an http:// or https:// URL of an API gateway (e.g. http://127.0.0.1:5080)") { Field = "--gateway" };
            return null;
        }

        // Relative API paths resolve under the URL's path, so a gateway behind a path prefix works.
        var baseAddress = url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        return new GatewayConnection(baseAddress, cli.ApiKey, cli.TimeProvider);
    }

    public void Dispose() => _http.Dispose();
}
