using System.Diagnostics.Metrics;

namespace Reev.Cluster.Flows.Diagnostics;

/// <summary>
/// The flow instruments on the product meter "Reev.Cluster":
/// <c>reev.cluster.flows.steps</c> (tags <c>agent</c>, <c>outcome</c> = succeeded|failed),
/// <c>reev.cluster.flows.step.duration</c> (ms, same tags),
/// <c>reev.cluster.flows.tool.calls</c> (tags <c>tool</c>, <c>outcome</c> = success|error kind),
/// <c>reev.cluster.flows.transactions</c> (tag <c>status</c> = success|failed),
/// <c>reev.cluster.flows.faults.injected</c> (tag <c>kind</c>),
/// <c>reev.cluster.flows.agent.requests</c> (tags <c>agent</c>, <c>outcome</c>).
/// </summary>
public sealed class FlowsMetrics : IDisposable
{
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _steps;
    private readonly Histogram<double> _stepDuration;
    private readonly Counter<long> _toolCalls;
    private readonly Counter<long> _transactions;
    private readonly Counter<long> _faults;
    private readonly Counter<long> _agentRequests;

    /// <summary>Instruments on a meter from <paramref name="meterFactory"/>, or on an own meter without a factory.</summary>
    public FlowsMetrics(IMeterFactory? meterFactory = null)
    {
        Meter meter;
        if (meterFactory is null)
        {
            _ownedMeter = new Meter(FlowsTelemetry.MeterName);
            meter = _ownedMeter;
        }
        else
        {
            meter = meterFactory.Create(FlowsTelemetry.MeterName);
        }

        Meter = meter;
        _steps = meter.CreateCounter<long>("reev.cluster.flows.steps", "{step}", "Step attempts run by an agent");
        _stepDuration = meter.CreateHistogram<double>("reev.cluster.flows.step.duration", "ms", "Duration of a step attempt");
        _toolCalls = meter.CreateCounter<long>("reev.cluster.flows.tool.calls", "{call}", "Tool calls made by agents");
        _transactions = meter.CreateCounter<long>("reev.cluster.flows.transactions", "{transaction}", "Transactions executed on simulated ledgers");
        _faults = meter.CreateCounter<long>("reev.cluster.flows.faults.injected", "{fault}", "Faults injected by a fault specification");
        _agentRequests = meter.CreateCounter<long>("reev.cluster.flows.agent.requests", "{request}", "Chat-completion requests of the openai agent");
    }

    /// <summary>The meter the instruments live on (tests listen to this instance).</summary>
    public Meter Meter { get; }

    internal void StepCompleted(string agent, bool succeeded, double milliseconds)
    {
        var agentTag = new KeyValuePair<string, object?>("agent", agent);
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "succeeded" : "failed");
        _steps.Add(1, agentTag, outcome);
        _stepDuration.Record(milliseconds, agentTag, outcome);
    }

    internal void ToolCalled(string tool, string outcome) =>
        _toolCalls.Add(1, new KeyValuePair<string, object?>("tool", tool), new KeyValuePair<string, object?>("outcome", outcome));

    internal void TransactionExecuted(bool succeeded) =>
        _transactions.Add(1, new KeyValuePair<string, object?>("status", succeeded ? "success" : "failed"));

    internal void FaultInjected(string kind) => _faults.Add(1, new KeyValuePair<string, object?>("kind", kind));

    internal void AgentRequest(string agent, string outcome) =>
        _agentRequests.Add(1, new KeyValuePair<string, object?>("agent", agent), new KeyValuePair<string, object?>("outcome", outcome));

    public void Dispose() => _ownedMeter?.Dispose();
}
