using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Records this process's GC pauses (execution engine suspended to restarted) from the runtime's own
/// events, with the time each began counted in seconds from <c>origin</c> (a Stopwatch timestamp).
/// Events reach a listener late, so times are taken from the events' own time stamps.
/// </summary>
internal sealed class GcPauseRecorder(long origin) : EventListener
{
    private readonly DateTime _originUtc = TimeProvider.System.GetUtcNow().UtcDateTime - Stopwatch.GetElapsedTime(origin);
    private const int SuspendBegin = 9;
    private const int RestartEnd = 3;
    private readonly List<(double At, double Ms)> _pauses = [];
    private long _suspendedAt; // ticks of DateTime, UTC

    public IReadOnlyList<(double At, double Ms)> Pauses
    {
        get
        {
            lock (_pauses)
            {
                return [.. _pauses];
            }
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        var now = eventData.TimeStamp.ToUniversalTime().Ticks;
        if (eventData.EventId == SuspendBegin)
        {
            Interlocked.Exchange(ref _suspendedAt, now);
        }
        else if (eventData.EventId == RestartEnd && Interlocked.Exchange(ref _suspendedAt, 0) is var at and not 0)
        {
            lock (_pauses)
            {
                _pauses.Add(((new DateTime(at, DateTimeKind.Utc) - _originUtc).TotalSeconds, TimeSpan.FromTicks(now - at).TotalMilliseconds));
            }
        }
    }
}
