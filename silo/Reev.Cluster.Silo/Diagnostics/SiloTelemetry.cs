using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Reev.Cluster.Silo.Diagnostics;

/// <summary>
/// OTLP export of the cluster's traces (ActivitySources <c>Reev.Cluster.*</c>) and metrics (Meter <c>Reev.Cluster</c>)
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; nothing otherwise. Wired by hand: the hosting extensions are not
/// in the registry (DESIGN §2). The exporter reads the standard OTEL_* variables itself.
/// </summary>
internal sealed class SiloTelemetry : IDisposable
{
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private readonly TracerProvider _tracing;
    private readonly MeterProvider _metrics;

    private SiloTelemetry(string siloId)
    {
        var resource = ResourceBuilder.CreateDefault().AddService("reev-silo", serviceInstanceId: siloId);
        _tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource("Reev.Cluster.*")
            .AddOtlpExporter()
            .Build();
        _metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter("Reev.Cluster") // the product meter: every component's instruments
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>Starts the export when an endpoint is configured; null otherwise.</summary>
    public static SiloTelemetry? StartIfConfigured(string? endpoint, string siloId) =>
        string.IsNullOrWhiteSpace(endpoint) ? null : new SiloTelemetry(siloId);

    public void Dispose()
    {
        // Disposing flushes what is buffered.
        _tracing.Dispose();
        _metrics.Dispose();
    }
}
