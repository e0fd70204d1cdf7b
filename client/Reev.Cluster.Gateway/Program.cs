using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Reev.Cluster.Gateway.Hosting;

// reev-gateway [--postgres <connection string>] [--silo true] [--benchmarks <dir>] [--urls <url>]
// With no configuration: an embedded in-memory silo plus the gateway on http://127.0.0.1:5080, open to loopback only.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--postgres"] = "Reev:Client:ConnectionString",
    ["--silo"] = "Reev:Gateway:HostSilo",
    ["--benchmarks"] = "Reev:Gateway:BenchmarksDirectory",
});
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

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
await app.RunAsync().ConfigureAwait(false);
return 0;

/// <summary>The gateway's entry point (public for WebApplicationFactory in the gateway tests).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1515:Consider making public types internal", Justification = "WebApplicationFactory<Program> in the tests needs a public entry point.")]
public partial class Program;
