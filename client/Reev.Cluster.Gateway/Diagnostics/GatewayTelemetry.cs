using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Reev.Cluster.Gateway.Diagnostics;

/// <summary>The gateway's ActivitySource (<c>Reev.Cluster.Gateway</c>) and its instruments on the <c>Reev.Cluster</c> meter.</summary>
internal static class GatewayTelemetry
{
    public const string SourceName = "Reev.Cluster.Gateway";
    public const string MeterName = "Reev.Cluster";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Requests = Meter.CreateCounter<long>("reev.cluster.gateway.requests", "{request}", "API requests, by route and status code");

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("reev.cluster.gateway.request.duration", "ms", "Duration of API requests, by route");

    public static readonly Counter<long> ExecutionsAccepted = Meter.CreateCounter<long>("reev.cluster.gateway.executions.accepted", "{execution}", "Executions accepted (202), by kind");

    public static readonly Counter<long> Rejected = Meter.CreateCounter<long>("reev.cluster.gateway.rejected", "{request}", "Requests refused before their handler, by reason (unauthenticated, forbidden, rate_limited)");

    public static readonly UpDownCounter<long> EventStreams = Meter.CreateUpDownCounter<long>("reev.cluster.gateway.event_streams", "{stream}", "Open server-sent event streams");
}
