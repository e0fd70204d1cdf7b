using System.Collections.Concurrent;
using System.Diagnostics;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Records every span the product's sources end while it is alive (all of them sampled, with their tags).</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = static source => source.Name.StartsWith("Reev.Cluster", StringComparison.Ordinal),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans ended so far.</summary>
    public IReadOnlyCollection<Activity> Spans => _spans;

    public void Dispose() => _listener.Dispose();
}
