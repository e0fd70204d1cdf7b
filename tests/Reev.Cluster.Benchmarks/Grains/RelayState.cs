namespace Reev.Cluster.Benchmarks.Grains;

/// <summary>State written by every benchmark turn.</summary>
public sealed class RelayState
{
    public long Count { get; set; }

    public long Sum { get; set; }
}
