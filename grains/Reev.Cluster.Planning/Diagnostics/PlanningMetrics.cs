using System.Diagnostics.Metrics;

namespace Reev.Cluster.Planning.Diagnostics;

/// <summary>
/// The planning instruments on the product meter "Reev.Cluster":
/// <c>reev.cluster.planning.cache.hits</c> and <c>.cache.misses</c> (tag <c>cache</c> = balances|prices|templates),
/// <c>reev.cluster.planning.plans</c> (tag <c>outcome</c> = planned|rejected, <c>mode</c> = direct|bridge),
/// <c>reev.cluster.planning.duration</c> (ms), <c>reev.cluster.planning.template.compilations</c>.
/// </summary>
public sealed class PlanningMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _cacheHits;
    private readonly Counter<long> _cacheMisses;
    private readonly Counter<long> _plans;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _compilations;

    /// <summary>Instruments on a meter from <paramref name="meterFactory"/>, or on an own meter when there is no factory.</summary>
    public PlanningMetrics(IMeterFactory? meterFactory = null)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(PlanningTelemetry.MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(PlanningTelemetry.MeterName);
        }

        Meter = meter;
        _cacheHits = meter.CreateCounter<long>("reev.cluster.planning.cache.hits", "{lookup}", "Planning cache lookups that found a live entry");
        _cacheMisses = meter.CreateCounter<long>("reev.cluster.planning.cache.misses", "{lookup}", "Planning cache lookups that had to load");
        _plans = meter.CreateCounter<long>("reev.cluster.planning.plans", "{plan}", "Prompts planned or rejected");
        _duration = meter.CreateHistogram<double>("reev.cluster.planning.duration", "ms", "Time to validate, resolve context and plan a prompt");
        _compilations = meter.CreateCounter<long>("reev.cluster.planning.template.compilations", "{template}", "Handlebars templates compiled");
    }

    /// <summary>The meter the instruments live on (tests listen to this instance).</summary>
    public Meter Meter { get; }

    internal void CacheHit(string cache) => _cacheHits.Add(1, new KeyValuePair<string, object?>("cache", cache));

    internal void CacheMiss(string cache) => _cacheMisses.Add(1, new KeyValuePair<string, object?>("cache", cache));

    internal void Planned(string mode, bool accepted, double milliseconds)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", accepted ? "planned" : "rejected");
        var modeTag = new KeyValuePair<string, object?>("mode", mode);
        _plans.Add(1, outcome, modeTag);
        _duration.Record(milliseconds, outcome, modeTag);
    }

    internal void TemplateCompiled() => _compilations.Add(1);

    public void Dispose() => _ownedMeter?.Dispose();
}
