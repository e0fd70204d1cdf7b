using System.Diagnostics.Metrics;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// Collects the values of the runtime's duration histograms (ms) while it lives: with the start's latency, they tell how
/// much of it is the database's transaction and how much waiting around it (queues, thread-pool hops, GC).
/// </summary>
internal sealed class DurationRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Dictionary<string, List<double>> _values = new(StringComparer.Ordinal);

    public DurationRecorder(params string[] instruments)
    {
        foreach (var name in instruments)
        {
            _values[name] = [];
        }

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Reev.Cluster" && _values.ContainsKey(instrument.Name))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            var list = _values[instrument.Name];
            lock (list)
            {
                list.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>The recorded values of one instrument, sorted.</summary>
    public double[] Sorted(string instrument)
    {
        var list = _values[instrument];
        double[] values;
        lock (list)
        {
            values = [.. list];
        }

        Array.Sort(values);
        return values;
    }

    public void Dispose() => _listener.Dispose();
}
