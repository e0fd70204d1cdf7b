using System.Data.Common;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime;
using Microsoft.Extensions.Configuration;
using Reev.Cluster.Gateway.Hosting;

// reev-gateway [--postgres <connection string>] [--silo true] [--benchmarks <dir>] [--urls <url>]
// With no configuration: an embedded in-memory silo plus the gateway on http://127.0.0.1:5080, open to loopback only.
var builder = WebApplication.CreateBuilder(args);
ShippedSettings.Add(builder);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--postgres"] = "Reev:Client:ConnectionString",
    ["--silo"] = "Reev:Gateway:HostSilo",
    ["--benchmarks"] = "Reev:Gateway:BenchmarksDirectory",
});
var urls = builder.Configuration["urls"] is { Length: > 0 } configured ? configured : builder.Configuration["ASPNETCORE_URLS"];
if (string.IsNullOrEmpty(urls))
{
    urls = "http://127.0.0.1:5080";
    builder.WebHost.UseUrls(urls);
}

// A failed start is reported below in one line, not also as the host's stack trace.
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

// An outer bound; the gateway's own limit (Reev:Gateway:MaxRequestBodyBytes) answers 413 as problem+json below it.
builder.WebHost.ConfigureKestrel(static kestrel => kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024);
// Settings checked before anything starts: a bad one is one line on stderr and exit code 2, not a stack trace.
var gatewaySettings = builder.Configuration.GetSection(GatewayOptions.SectionName).Get<GatewayOptions>() ?? new GatewayOptions();
if (gatewaySettings.Problems() is [var first, ..])
{
    await Console.Error.WriteLineAsync($"reev-gateway: {first}").ConfigureAwait(false);
    return 2;
}

builder.Services.AddReevGatewayCluster(builder.Configuration);
builder.Services.AddReevGateway();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapReevGateway();

// Starting fails in one line and an exit code a script can act on (the silo host's codes): 4 when the port is
// taken (deploy/local/cluster-up.sh then tries another), 2 for a configuration that cannot work (no such database,
// a partition count other than the cluster's), 3 when the cluster's database cannot be reached, 1 otherwise.
try
{
    await app.StartAsync().ConfigureAwait(false);
}
catch (Exception ex) when (HostStartErrors.IsAddressInUse(ex))
{
    await Console.Error.WriteLineAsync($"reev-gateway: {urls} is already in use (--urls): {ex.Message}").ConfigureAwait(false);
    return 4;
}
catch (ClusterConfigurationException ex)
{
    await Console.Error.WriteLineAsync($"reev-gateway: {ex.Message}").ConfigureAwait(false);
    return 2;
}
catch (Exception ex) when (ex is DbException or ClusterUnavailableException or SocketException)
{
    await Console.Error.WriteLineAsync($"reev-gateway: the cluster's database could not be reached (Reev:Client:ConnectionString or --postgres): {ex.Message}").ConfigureAwait(false);
    return 3;
}
catch (Exception ex) when (ex is not OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"reev-gateway: the gateway could not start: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
    return 1;
}

await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

/// <summary>The gateway's entry point (public for WebApplicationFactory in the gateway tests).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1515:Consider making public types internal", Justification = "WebApplicationFactory<Program> in the tests needs a public entry point.")]
public partial class Program;
