using System.Diagnostics.Tracing;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Samples this process's allocations by type from the runtime's AllocationTick events (one event about every
/// 100 KB allocated, naming the type of the object that crossed the mark), so the types that allocate most show
/// in proportion to their bytes. A sample, not a count: types allocated rarely may not show at all.
/// </summary>
internal sealed class AllocationRecorder : EventListener
{
    private const int AllocationTick = 10;
    private readonly Dictionary<string, (long Samples, long Bytes)> _byType = new(StringComparer.Ordinal);
    private volatile bool _recording = true;

    /// <summary>The sampled types, most bytes first, with their share of all sampled bytes.</summary>
    public IReadOnlyList<(string Type, long Samples, double Share)> Top(int count)
    {
        _recording = false;
        lock (_byType)
        {
            var total = Math.Max(1, _byType.Values.Sum(v => v.Bytes));
            return [.. _byType.OrderByDescending(p => p.Value.Bytes).Take(count).Select(p => (p.Key, p.Value.Samples, (double)p.Value.Bytes / total))];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword, verbose: allocation ticks
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventId != AllocationTick || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }

        var type = names.IndexOf("TypeName") is var t and >= 0 ? payload[t] as string ?? "?" : "?";
        var bytes = names.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_byType)
        {
            _byType[type] = _byType.TryGetValue(type, out var seen) ? (seen.Samples + 1, seen.Bytes + bytes) : (1, bytes);
        }
    }
}
