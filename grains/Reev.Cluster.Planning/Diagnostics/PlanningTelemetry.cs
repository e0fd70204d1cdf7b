using System.Diagnostics;

namespace Reev.Cluster.Planning.Diagnostics;

/// <summary>The planning component's trace source and names.</summary>
public static class PlanningTelemetry
{
    /// <summary>ActivitySource name; spans: "plan prompt", "resolve context", "write bridge file".</summary>
    public const string ActivitySourceName = "Reev.Cluster.Planning";

    /// <summary>The product-wide meter name (STYLE: one meter, <c>reev.cluster.&lt;area&gt;.&lt;noun&gt;</c> instruments).</summary>
    public const string MeterName = "Reev.Cluster";

    internal static ActivitySource Source { get; } = new(ActivitySourceName);
}
