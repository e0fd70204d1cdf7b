using System.Diagnostics;

namespace Reev.Cluster.Flows.Diagnostics;

/// <summary>The flow domain's trace source and names.</summary>
public static class FlowsTelemetry
{
    /// <summary>ActivitySource name; spans: "run flow", "run step", "call tool", "agent chat".</summary>
    public const string ActivitySourceName = "Reev.Cluster.Flows";

    /// <summary>The product-wide meter (STYLE: one meter, instruments <c>reev.cluster.&lt;area&gt;.&lt;noun&gt;</c>).</summary>
    public const string MeterName = "Reev.Cluster";

    internal static ActivitySource Source { get; } = new(ActivitySourceName);
}
