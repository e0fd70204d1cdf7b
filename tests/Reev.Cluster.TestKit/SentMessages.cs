using System.Diagnostics.Metrics;

namespace Reev.Cluster.TestKit;

/// <summary>
/// Counts the messages committed turns of the given silos send, by route, from the runtime's
/// <c>reev.cluster.runtime.messages.sent</c> counter (other tests' silos in the process are left out by id).
/// </summary>
public sealed class SentMessages : IDisposable
{
    private readonly MeterListener _listener;
    private readonly HashSet<string> _silos;
    private readonly object _lock = new();
    private long _local;
    private long _remote;

    public SentMessages(IEnumerable<string> siloIds)
    {
        _silos = siloIds.ToHashSet(StringComparer.Ordinal);
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Reev.Cluster" && instrument.Name == "reev.cluster.runtime.messages.sent")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Sent to a partition of the sending silo, and to another silo's, so far.</summary>
    public (long Local, long Remote) Counts
    {
        get
        {
            lock (_lock)
            {
                return (_local, _remote);
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? route = null, silo = null;
        foreach (var tag in tags)
        {
            route = tag.Key == "route" ? (string?)tag.Value : route;
            silo = tag.Key == "reev.silo" ? (string?)tag.Value : silo;
        }

        if (silo is null || !_silos.Contains(silo))
        {
            return;
        }

        lock (_lock)
        {
            if (route == "local")
            {
                _local += value;
            }
            else if (route == "remote")
            {
                _remote += value;
            }
        }
    }
}
