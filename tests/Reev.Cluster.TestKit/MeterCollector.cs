using System.Diagnostics.Metrics;

namespace Reev.Cluster.TestKit;

/// <summary>
/// Records the measurements of one meter's instruments (System.Diagnostics.Metrics) while it lives. Measurements are
/// process-wide: a test that counts them runs where no other test records on the same meter (a collection without
/// parallelization).
/// </summary>
public sealed class MeterCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<Measurement> _measurements = [];

    public MeterCollector(string meterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(meterName);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
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
        lock (_measurements)
        {
            return string.Join("; ", _measurements.Where(m => m.Instrument == instrument)
                .Select(m => $"{m.Value} {string.Join(",", m.Tags.Select(t => $"{t.Key}={t.Value}"))}"));
        }
    }

    public void Dispose() => _listener.Dispose();

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
