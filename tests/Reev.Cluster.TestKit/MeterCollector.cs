using System.Diagnostics.Metrics;

namespace Reev.Cluster.TestKit;

/// <summary>
/// Records the measurements of named instruments of one meter (System.Diagnostics.Metrics) while it lives. The product
/// meter <c>Reev.Cluster</c> is shared by every component, so a collector names the instruments it records and answers
/// only for those. Measurements are process-wide: a test that counts them runs where no other test records on the same
/// instruments (a collection without parallelization).
/// </summary>
public sealed class MeterCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measurement> _measurements = [];
    private readonly HashSet<string> _instruments;

    /// <param name="meterName">The meter, e.g. <c>Reev.Cluster</c>.</param>
    /// <param name="instruments">The instruments to record (at least one); the meter's others are not listened to.</param>
    public MeterCollector(string meterName, params string[] instruments)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterName);
        ArgumentNullException.ThrowIfNull(instruments);
        if (instruments.Length == 0)
        {
            throw new ArgumentException("name the instruments to record: the meter is shared by the product's components", nameof(instruments));
        }

        _instruments = new HashSet<string>(instruments, StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && _instruments.Contains(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>The sum of an instrument's measurements, only those tagged <paramref name="tagKey"/> = <paramref name="tagValue"/> when given.</summary>
    public double Sum(string instrument, string? tagKey = null, string? tagValue = null)
    {
        EnsureRecorded(instrument);
        lock (_measurements)
        {
            return _measurements
                .Where(m => m.Instrument == instrument && (tagKey is null || (m.Tags.TryGetValue(tagKey, out var v) && v == tagValue)))
                .Sum(m => m.Value);
        }
    }

    /// <summary>Every measurement of an instrument so far, as "value tag=value,...", for failure messages.</summary>
    public string Describe(string instrument)
    {
        EnsureRecorded(instrument);
        lock (_measurements)
        {
            return string.Join("; ", _measurements.Where(m => m.Instrument == instrument)
                .Select(m => $"{m.Value} {string.Join(",", m.Tags.Select(t => $"{t.Key}={t.Value}"))}"));
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>An instrument the collector does not record would always sum to 0: a test asking for one is wrong.</summary>
    private void EnsureRecorded(string instrument)
    {
        if (!_instruments.Contains(instrument))
        {
            throw new ArgumentException($"instrument {instrument} is not recorded by this collector (recording: {string.Join(", ", _instruments)})", nameof(instrument));
        }
    }

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value?.ToString();
        }

        lock (_measurements)
        {
            _measurements.Add(new Measurement(instrument.Name, value, copy));
        }
    }

    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags);
}
