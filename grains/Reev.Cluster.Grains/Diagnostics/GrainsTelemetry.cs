using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Reev.Cluster.Grains.Diagnostics;

/// <summary>The grains' ActivitySource (<c>Reev.Cluster.Grains</c>) and their instruments on the product meter <c>Reev.Cluster</c>.</summary>
public static class GrainsTelemetry
{
    public const string SourceName = "Reev.Cluster.Grains";

    /// <summary>The product meter, shared with the other components: the instruments' names say which area they count.</summary>
    public const string MeterName = "Reev.Cluster";

    public static readonly ActivitySource Source = new(SourceName);

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> ExecutionsStarted = Meter.CreateCounter<long>("reev.cluster.executions.started", description: "Executions accepted and started");

    public static readonly Counter<long> ExecutionsFinished = Meter.CreateCounter<long>("reev.cluster.executions.finished", description: "Executions finished, by status");

    public static readonly Counter<long> StepAttempts = Meter.CreateCounter<long>("reev.cluster.steps.attempts", description: "Step attempts run");

    public static readonly Counter<long> StepRetries = Meter.CreateCounter<long>("reev.cluster.steps.retries", description: "Step retries, by kind (in_turn, reminder)");

    public static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>("reev.cluster.steps.duration", unit: "ms", description: "Duration of step attempts");

    public static readonly Counter<long> Recoveries = Meter.CreateCounter<long>("reev.cluster.recovery.actions", description: "Recovery actions, by strategy");

    public static readonly Counter<long> Consolidations = Meter.CreateCounter<long>("reev.cluster.consolidations", description: "Consolidations, by status");
}
