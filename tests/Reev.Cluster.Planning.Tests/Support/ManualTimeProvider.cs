namespace Reev.Cluster.Planning.Tests.Support;

/// <summary>A clock that only moves when told to (cache TTL tests).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;
    private long _timestamp;

    public ManualTimeProvider(DateTimeOffset start) => _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public override long GetTimestamp() => _timestamp;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by)
    {
        _now += by;
        _timestamp += by.Ticks;
    }
}
