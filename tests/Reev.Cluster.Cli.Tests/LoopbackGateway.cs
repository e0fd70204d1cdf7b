using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.Gateway.Hosting;

namespace Reev.Cluster.Cli.Tests;

/// <summary>
/// The real API gateway with its embedded in-memory silo on a free loopback Kestrel port (port 0), built the way its
/// Program builds it, for the CLI's remote mode. Keyed: an operator and a reader key (see <see cref="OpenLoopbackGateway"/>
/// for the keyless default).
/// </summary>
public class LoopbackGateway : IAsyncLifetime, IDisposable
{
    public const string OperatorKey = "cli-operator-key-0123456789";
    public const string ReaderKey = "cli-reader-key-0123456789";

    private WebApplication? _app;
    private HttpClient? _http;

    /// <summary>The gateway's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>A typed client with the operator key, for test setup and cross-checks.</summary>
    public ReevGatewayClient Client { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reev:Gateway:ApiKeys:0:Name"] = "operator",
        ["Reev:Gateway:ApiKeys:0:Key"] = OperatorKey,
        ["Reev:Gateway:ApiKeys:0:Role"] = "operator",
        ["Reev:Gateway:ApiKeys:1:Name"] = "reader",
        ["Reev:Gateway:ApiKeys:1:Key"] = ReaderKey,
        ["Reev:Gateway:ApiKeys:1:Role"] = "reader",
        ["Reev:Gateway:RateLimitPermits"] = "100000",
        ["Reev:Gateway:EventPollInterval"] = "00:00:00.050",
    };

    /// <summary>The CLI arguments that point at this gateway with the operator key.</summary>
    public string[] Remote(params string[] args) => [.. args, "--gateway", Url, "--api-key", OperatorKey];

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.ClearProviders();
        builder.Services.AddReevGatewayCluster(builder.Configuration);
        builder.Services.AddReevGateway();
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapReevGateway();
        await app.StartAsync();
        _app = app;
        Url = app.Urls.Single();
        _http = new HttpClient { BaseAddress = new Uri(Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        Client = new ReevGatewayClient(_http, OperatorKey);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Dispose();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http?.Dispose();
        }
    }
}

/// <summary>The gateway's default: no API keys, open to loopback clients only (the CLI needs no key).</summary>
public sealed class OpenLoopbackGateway : LoopbackGateway
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Reev:Gateway:EventPollInterval"] = "00:00:00.050",
    };
}

[CollectionDefinition(Name)]
public sealed class LoopbackGatewayCollection : ICollectionFixture<LoopbackGateway>
{
    public const string Name = "loopback gateway";
}
