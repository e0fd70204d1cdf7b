using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Running;

/// <summary>
/// Runs a whole flow in process, without recovery (the grains add retries and alternates): prepares the
/// document, runs its steps in order through <see cref="StepRunner"/>, carrying the ledger and what each
/// step received, and scores the run. For grains, the same pieces are <see cref="FlowPreparation.Prepare"/>,
/// <see cref="StepRunner.RunAsync"/> and <see cref="FlowScorer.ScoreFlow"/>.
/// </summary>
public sealed class FlowRunner
{
    private readonly StepRunner _steps;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public FlowRunner(StepRunner steps, TimeProvider? timeProvider = null, ILogger<FlowRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        _steps = steps;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Runs <paramref name="document"/>; a preparation error is a result, not an exception.</summary>
    public async Task<FlowRunResult> RunAsync(FlowDocument document, FlowRunOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        options ??= FlowRunOptions.Default;
        using var activity = FlowsTelemetry.Source.StartActivity("run flow");
        activity?.SetTag("reev.flow", document.Id);
        activity?.SetTag("reev.agent", options.AgentName);
        var started = _timeProvider.GetTimestamp();
        var prepared = FlowPreparation.Prepare(document, options.Seed);
        if (!prepared.IsSuccess)
        {
            return FlowRunResult.Failure(prepared.Error);
        }

        var flow = prepared.Flow;
        var ledger = flow.InitialLedger;
        var received = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var outcomes = new List<StepOutcome>();
        for (var step = 1; step <= document.StepCount; step++)
        {
            var outcome = await _steps.RunAsync(
                new StepRequest(document, step, flow.KeyMap, ledger, options.AgentName, options.FaultSpec, options.Seed,
                    PreviousReceived: new Dictionary<string, ulong>(received, StringComparer.Ordinal)),
                cancellationToken).ConfigureAwait(false);
            outcomes.Add(outcome);
            ledger = outcome.Ledger;
            foreach (var (mint, amount) in outcome.Received)
            {
                received[mint] = received.GetValueOrDefault(mint) + amount;
            }

            if (!outcome.Succeeded && document.IsCritical(step) && options.StopOnCriticalFailure)
            {
                break;
            }
        }

        var score = FlowScorer.ScoreFlow(document, flow.KeyMap, flow.InitialLedger, ledger, outcomes);
        var report = new FlowRunReport(
            document.Id,
            options.AgentName,
            options.Seed,
            flow.KeyMap,
            new EquatableArray<StepOutcome>(outcomes),
            flow.InitialLedger,
            ledger,
            Balances(flow.KeyMap, flow.InitialLedger, ledger),
            score,
            _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        FlowsLog.FlowCompleted(_logger, document.Id, options.AgentName, outcomes.Count, score.FlowScore, score.Assertions.Score, score.Passed);
        return FlowRunResult.Success(report);
    }

    private static EquatableArray<PlaceholderBalance> Balances(KeyMap keyMap, LedgerSnapshot initial, LedgerSnapshot final) =>
        new(keyMap.Entries.OrderBy(static e => e.Key, StringComparer.Ordinal).Select(e =>
        {
            var before = initial.Find(e.Value);
            var after = final.Find(e.Value);
            return new PlaceholderBalance(
                e.Key,
                e.Value,
                before?.Lamports ?? 0,
                after?.Lamports ?? 0,
                after?.Token?.Mint ?? before?.Token?.Mint,
                before?.Token?.Amount ?? (after?.Token is null ? null : 0UL),
                after?.Token?.Amount ?? (before?.Token is null ? null : 0UL));
        }));
}
