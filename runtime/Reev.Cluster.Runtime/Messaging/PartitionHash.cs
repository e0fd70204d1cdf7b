using System.Text;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// Stable grain -> partition mapping (DESIGN R2): FNV-1a 64 over the UTF-8 of "type/key" of the grain, or of its anchor
/// when its type is placed with another (<see cref="PartitionRules"/>, ADR 0015).
/// Never string.GetHashCode, which differs per process.
/// </summary>
internal static class PartitionHash
{
    private const ulong OffsetBasis = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    public static int Compute(GrainId grain, int partitionCount) => ComputeOwn(PartitionRules.PlacementOf(grain), partitionCount);

    /// <summary>The partition of the grain's own type and key, whatever its placement (what a build without its rule computed).</summary>
    public static int ComputeOwn(GrainId grain, int partitionCount)
    {
        ulong hash = OffsetBasis;
        hash = Mix(hash, grain.Type);
        hash = (hash ^ '/') * Prime;
        hash = Mix(hash, grain.Key);
        return (int)(hash % (ulong)partitionCount);
    }

    private static ulong Mix(ulong hash, string text)
    {
        Span<byte> buffer = stackalloc byte[256];
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        var bytes = max <= buffer.Length ? buffer : new byte[max];
        var count = Encoding.UTF8.GetBytes(text, bytes);
        foreach (var b in bytes[..count])
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }
}
