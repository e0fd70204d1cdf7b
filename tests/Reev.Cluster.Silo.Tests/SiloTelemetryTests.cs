using Reev.Cluster.TestKit;
using System.Net;

namespace Reev.Cluster.Silo.Tests;

/// <summary>OTLP export of the silo process when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
public sealed class SiloTelemetryTests
{
    [Fact]
    public async Task OtlpEndpointSet_MetricsArePostedToTheReceiver()
    {
        var port = LoopbackPorts.Free();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        await using var silo = SiloProcess.Start(["--provider", "memory"], new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });

        var request = receiver.GetContextAsync();
        var first = await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(20), TimeProvider.System));

        Assert.True(first == request, $"no OTLP request reached the receiver within 20 s.\n{silo}");
        var context = await request;
        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.Equal("/v1/metrics", context.Request.Url!.AbsolutePath);
        Assert.Equal("application/x-protobuf", context.Request.ContentType);
        context.Response.StatusCode = 200;
        context.Response.Close();
        Assert.Contains("Exporting traces and metrics over OTLP", silo.StandardOutput, StringComparison.Ordinal);
    }
}
