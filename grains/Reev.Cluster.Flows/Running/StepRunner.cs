using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Diagnostics;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Running;

/// <summary>
/// Runs one step attempt from serializable state: rebuilds the ledger from the request's snapshot, binds the
/// tools (with the attempt's faults), runs the agent under the step timeout, and returns the outcome with its
/// tool calls, transactions, typed error and score. Never throws for bad input or agent failures (they are
/// outcomes); only the caller's cancellation propagates.
/// </summary>
public sealed class StepRunner
{
    private readonly AgentRegistry _agents;
    private readonly TimeProvider _timeProvider;
    private readonly FlowsMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly StepRunnerOptions _options;

    public StepRunner(
        AgentRegistry agents,
        TimeProvider? timeProvider = null,
        FlowsMetrics? metrics = null,
        ILogger<StepRunner>? logger = null,
        StepRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(agents);
        _agents = agents;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _options = options ?? new StepRunnerOptions();
    }

    /// <summary>The agents this runner resolves names against.</summary>
    public AgentRegistry Agents => _agents;

    /// <summary>Runs the step attempt described by <paramref name="request"/>.</summary>
    public async Task<StepOutcome> RunAsync(StepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var document = request.Document;
        using var activity = FlowsTelemetry.Source.StartActivity("run step");
        activity?.SetTag("reev.flow", document.Id);
        activity?.SetTag("reev.step", request.StepIndex);
        activity?.SetTag("reev.attempt", request.Attempt);
        activity?.SetTag("reev.agent", request.AgentName);
        var started = _timeProvider.GetTimestamp();
        var prompt = request.PromptOverride ?? (request.StepIndex >= 1 && request.StepIndex <= document.StepCount ? document.PromptOfStep(request.StepIndex) : "");
        FlowsLog.StepStarting(_logger, document.Id, request.StepIndex, request.Attempt, request.AgentName);

        if (request.StepIndex < 1 || request.StepIndex > document.StepCount)
        {
            return Rejected(request, prompt, started, FlowErrorKind.InvalidRequest, $"step {request.StepIndex} is outside 1..{document.StepCount} of {document.Id}");
        }

        var faults = FaultSpec.Parse(request.FaultSpec);
        if (!faults.IsSuccess)
        {
            return Rejected(request, prompt, started, FlowErrorKind.InvalidRequest, faults.Error);
        }

        if (request.Venue is not null && SwapVenue.Find(request.Venue) is null)
        {
            return Rejected(request, prompt, started, FlowErrorKind.InvalidRequest, $"unknown swap venue \"{request.Venue}\" (known: jupiter, raydium)");
        }

        if (!_agents.TryGet(request.AgentName, out var agent))
        {
            return Rejected(request, prompt, started, FlowErrorKind.UnknownAgent, $"unknown agent \"{request.AgentName}\" (known: {string.Join(", ", _agents.Names)})");
        }

        var ledger = SimulatedLedger.FromSnapshot(request.Ledger, unchecked((request.Seed * 397) ^ (request.StepIndex << 16) ^ request.Attempt));
        var tools = new ToolInvoker(ledger, request.KeyMap, new FaultInjector(faults.Spec, request.Seed, request.StepIndex, request.Attempt),
            request.Venue, _timeProvider, _metrics, _logger, request.Journal);
        var hints = new AgentHints(request.AmountOverride, request.AmountScale, request.Venue, request.PreviousReceived);
        var agentRequest = new AgentRequest(prompt, request.StepIndex, request.KeyMap, tools, ledger, hints);
        var timeout = document.IsMultiStep && document.Flow[request.StepIndex - 1].TimeoutSeconds is { } seconds
            ? TimeSpan.FromSeconds(seconds)
            : _options.DefaultStepTimeout;

        string agentText;
        ToolError? agentError = null;
        using (var timeoutSource = new CancellationTokenSource(timeout, _timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token))
        {
            try
            {
                var result = await agent.RunAsync(agentRequest, linked.Token).ConfigureAwait(false);
                agentText = result.FinalText;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && timeoutSource.IsCancellationRequested)
            {
                FlowsLog.StepTimedOut(_logger, document.Id, request.StepIndex, timeout.TotalMilliseconds);
                agentText = $"Step {request.StepIndex} timed out after {timeout.TotalMilliseconds:0} ms";
                agentError = FlowErrors.Create(FlowErrorKind.Timeout, agentText);
            }
            catch (FlowAgentException ex)
            {
                agentText = ex.Message;
                agentError = new ToolError(FlowErrorKind.AgentFailed, $"agent {agent.Name} failed: {ex.Message}", ex.IsTransient, ex.IsTransient ? RecoveryHint.Retry : RecoveryHint.None);
            }
        }

        var calls = tools.Calls;
        var error = agentError ?? FirstUnrecoveredError(calls);
        if (error is null && calls.Count == 0 && agent.Name != NoopAgent.AgentName)
        {
            error = FlowErrors.Create(FlowErrorKind.NoAction, string.IsNullOrWhiteSpace(agentText) ? "the agent called no tool" : agentText);
        }

        var status = error is null ? StepStatus.Succeeded : StepStatus.Failed;
        // The journal's transactions (earlier attempts of the step) are on the ledger: they count with the step's own.
        IReadOnlyList<TransactionRecord> sent = request.Journal is { } journal
            ? [.. journal.Transactions, .. ledger.Transactions]
            : ledger.Transactions;
        var transactions = new EquatableArray<TransactionRecord>(sent);
        var score = FlowScorer.ScoreStep(document.GroundTruth, request.KeyMap, sent, status == StepStatus.Succeeded && calls.Count > 0);
        // A step that changed nothing (a read-only step) hands back the ledger it was given, the same instance: its JSON,
        // cached per instance, is then written once for the whole flow instead of once per step.
        var finalLedger = ledger.ToSnapshot();
        if (finalLedger.Equals(request.Ledger))
        {
            finalLedger = request.Ledger;
        }
        var duration = _timeProvider.GetElapsedTime(started).TotalMilliseconds;
        var outcome = new StepOutcome(
            request.StepIndex,
            request.Attempt,
            prompt,
            agent.Name,
            status,
            finalLedger,
            new EquatableArray<ToolCallRecord>(calls),
            transactions,
            error,
            score,
            agentText,
            duration,
            Received(request.KeyMap, request.Journal?.Before ?? request.Ledger, finalLedger));
        Completed(document.Id, outcome, activity);
        return outcome;
    }

    /// <summary>The first failed call that no later successful call of the same tool made good.</summary>
    private static ToolError? FirstUnrecoveredError(IReadOnlyList<ToolCallRecord> calls)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].Error is { } error && !calls.Skip(i + 1).Any(c => c.Success && c.ToolName == calls[i].ToolName))
            {
                return error;
            }
        }

        return null;
    }

    /// <summary>Mint → base units the main wallet (USER_WALLET_PUBKEY) gained over the step.</summary>
    private static IReadOnlyDictionary<string, ulong> Received(FlowFiles.KeyMap keyMap, LedgerSnapshot before, LedgerSnapshot after)
    {
        if (ReferenceEquals(before, after))
        {
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, ulong>.Empty; // a step that changed nothing gained nothing
        }

        if (!keyMap.TryGet("USER_WALLET_PUBKEY", out var wallet))
        {
            return System.Collections.ObjectModel.ReadOnlyDictionary<string, ulong>.Empty;
        }

        var received = new Dictionary<string, ulong>(StringComparer.Ordinal);

        var initial = Holdings(before, wallet);
        foreach (var (mint, amount) in Holdings(after, wallet))
        {
            var was = initial.GetValueOrDefault(mint);
            if (amount > was)
            {
                received[mint] = amount - was;
            }
        }

        return received.Count == 0 ? System.Collections.ObjectModel.ReadOnlyDictionary<string, ulong>.Empty : received; // kept with the outcome: no empty table
    }

    private static Dictionary<string, ulong> Holdings(LedgerSnapshot ledger, string wallet)
    {
        var holdings = new Dictionary<string, ulong>(StringComparer.Ordinal) { [TokenCatalog.SolMint] = ledger.LamportsOf(wallet) };
        foreach (var account in ledger.Accounts)
        {
            if (account.Token is { } token && token.Owner == wallet)
            {
                holdings[token.Mint] = holdings.GetValueOrDefault(token.Mint) + token.Amount;
            }
        }

        return holdings;
    }

    private StepOutcome Rejected(StepRequest request, string prompt, long started, FlowErrorKind kind, string message)
    {
        var error = FlowErrors.Create(kind, message);
        var outcome = new StepOutcome(
            request.StepIndex,
            request.Attempt,
            prompt,
            request.AgentName,
            StepStatus.Failed,
            request.Ledger,
            default(EquatableArray<ToolCallRecord>),
            default(EquatableArray<TransactionRecord>),
            error,
            new StepScore(0, 0, 0, request.Document.GroundTruth.PassThreshold, false, request.Document.GroundTruth.SkipInstructionValidation),
            message,
            _timeProvider.GetElapsedTime(started).TotalMilliseconds,
            new Dictionary<string, ulong>(StringComparer.Ordinal));
        Completed(request.Document.Id, outcome, Activity.Current);
        return outcome;
    }

    private void Completed(string flowId, StepOutcome outcome, Activity? activity)
    {
        _metrics?.StepCompleted(outcome.AgentName, outcome.Succeeded, outcome.DurationMs);
        FlowsLog.StepCompleted(_logger, flowId, outcome.StepIndex, outcome.Attempt, outcome.Status, outcome.DurationMs, outcome.ToolCalls.Count, outcome.Score.FinalScore);
        if (outcome.Error is { } error)
        {
            FlowsLog.StepFailed(_logger, flowId, outcome.StepIndex, outcome.Attempt, error.Kind, error.Retryable, error.Message);
            activity?.SetStatus(ActivityStatusCode.Error, error.Kind.ToString());
            activity?.SetTag("reev.error.kind", error.Kind.ToString());
        }
    }
}
