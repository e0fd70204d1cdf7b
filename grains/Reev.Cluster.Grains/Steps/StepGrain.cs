using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;
using Reev.Cluster.Grains.Executions;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Steps;

/// <summary>
/// Runs one step (or alternate) of an execution: the agent against the step's ledger snapshot within
/// the step's timeout. Transient errors are retried inside the turn (Polly), then with longer backoffs
/// as reminders so that a retry survives the death of its silo; permanent errors are never retried.
/// Every attempt is kept in the step's session (grain storage) and mirrored to the step-sessions read model.
/// </summary>
public sealed class StepGrain(StepRunner runner, StepCancellations cancellations, ILogger<StepGrain>? logger = null, IExecutionInputsStore? inputs = null)
    : Grain<StepSession>, IStepGrain, IRemindable
{
    internal const string RetryReminder = "retry";

    // Pipelines are immutable and thread-safe: one per retry setting and clock, shared by every step.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Retries, int DelayMs, TimeProvider Clock), ResiliencePipeline<StepOutcome>> Pipelines = new();
    private static readonly ResiliencePropertyKey<Action> RetryCounter = new("reev.step.on-retry");
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A live step activated from storage (a retry waiting on its reminder, after a failover) has its command without
        // the execution's inputs (ADR 0022).
        if (State.Command is { } command && !State.Reported)
        {
            State.Command = await WithInputsAsync(command, cancellationToken);
        }
    }

    public async Task RunAsync(StepCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Command is not null || State.Reported || State.Status == StepRunStatus.Cancelled)
        {
            return; // the step already has its command or has finished (a duplicate Run changes nothing), or was cancelled before it
        }

        // Handed over in process, the command has its document; read back from a stored message (another silo, a
        // failover), it has the execution's inputs to put back.
        command = await WithInputsAsync(command, CancellationToken.None);
        State.Command = command;
        State.ExecutionId = command.ExecutionId;
        State.StepKey = GrainKey;
        State.Index = command.Request.StepIndex;
        State.Alternate = command.Alternate;
        State.FirstAttemptAt = TimeProvider.GetUtcNow();
        await AttemptAsync();
    }

    public async Task CancelAsync(string reason)
    {
        if (State.Reported || State.Status is StepRunStatus.Cancelled)
        {
            return;
        }

        State.CancelReason = reason;
        if (State.Command is null)
        {
            // Cancelled before its Run arrived (the execution's watchdog gave up on a Run that was dead-lettered): there is
            // nothing to stop or report, and a Run that comes later must not start.
            State.Status = StepRunStatus.Cancelled;
            State.Reported = true;
            await WriteStateAsync();
            return;
        }

        if (State.Status == StepRunStatus.WaitingRetry)
        {
            UnregisterReminder(RetryReminder);
        }

        await FinishAsync(StepRunStatus.Cancelled, $"cancelled: {reason}");
    }

    public Task<StepSession?> ReadAsync() => Task.FromResult<StepSession?>(State.FirstAttemptAt is null ? null : State);

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken)
    {
        if (reminderName != RetryReminder || State.Status != StepRunStatus.WaitingRetry || State.Reported)
        {
            return;
        }

        UnregisterReminder(RetryReminder);
        await AttemptAsync();
    }

    /// <summary>Runs attempts with in-turn retries; then schedules a backoff reminder, or reports.</summary>
    private async Task AttemptAsync()
    {
        var command = State.Command!;
        State.Status = StepRunStatus.Running;
        State.NextRetryAt = null;
        var pipeline = Pipelines.GetOrAdd((command.Recovery.InTurnRetries, command.Recovery.InTurnRetryDelayMs, TimeProvider), static key =>
            new ResiliencePipelineBuilder<StepOutcome> { TimeProvider = key.Clock }.AddRetry(new RetryStrategyOptions<StepOutcome>
            {
                MaxRetryAttempts = Math.Max(1, key.Retries),
                Delay = TimeSpan.FromMilliseconds(key.DelayMs),
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = args => ValueTask.FromResult(key.Retries > 0 && args.Outcome.Result is { } r && IsRetryable(r)),
                OnRetry = args =>
                {
                    if (args.Context.Properties.TryGetValue(RetryCounter, out var onRetry))
                    {
                        onRetry();
                    }

                    GrainsTelemetry.StepRetries.Add(1, new KeyValuePair<string, object?>("kind", "in_turn"));
                    return ValueTask.CompletedTask;
                },
            }).Build());

        using var scope = cancellations.Enter(GrainKey, CancellationToken.None);
        StepOutcome outcome;
        try
        {
            var context = ResilienceContextPool.Shared.Get(scope.Token);
            context.Properties.Set(RetryCounter, () => State.Retries++);
            try
            {
                outcome = await pipeline.ExecuteAsync(async (ctx, grain) => await grain.RunOnceAsync(command, ctx.CancellationToken), context, this);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
        catch (OperationCanceledException) when (scope.IsCancelled)
        {
            State.CancelReason ??= "cancelled while running";
            await FinishAsync(StepRunStatus.Cancelled, "cancelled while running");
            return;
        }

        if (outcome.Succeeded)
        {
            await FinishAsync(StepRunStatus.Succeeded, null);
            return;
        }

        if (IsRetryable(outcome) && ScheduleRetry(outcome))
        {
            Publish();
            await WriteStateAsync();
            return;
        }

        await FinishAsync(StepRunStatus.Failed, outcome.Error?.Message ?? "the step failed");
    }

    private async Task<StepOutcome> RunOnceAsync(StepCommand command, CancellationToken cancellationToken)
    {
        var attempt = command.PriorAttempts + State.Attempts.Count + 1;
        var ledger = State.Attempts.Count > 0 ? State.Attempts[^1].Ledger : command.Request.Ledger;
        // A retry starts from the ledger its failed attempts left: what they did is replayed, not done again.
        var journal = State.Attempts.Count == 0 ? command.Journal : Journal();
        var request = command.Request with { Attempt = attempt, Ledger = ledger, Journal = journal };
        var started = TimeProvider.GetTimestamp();
        StepOutcome outcome;
        // The runner enforces the step's timeout cooperatively; this bound catches an agent that ignores it, and cancels
        // the run so that it does not go on beside the next attempt.
        var bound = TimeSpan.FromMilliseconds(command.TimeoutMs + 1000);
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            outcome = await runner.RunAsync(request, abandon.Token).WaitAsync(bound, TimeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            await abandon.CancelAsync();
            outcome = FailedOutcome(request, ledger, new ToolError(FlowErrorKind.Timeout, $"step {request.StepIndex} did not finish within {command.TimeoutMs} ms", true, RecoveryHint.Retry), TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An agent that throws fails its attempt; it never harms the silo or the grain.
            GrainsLog.AgentCrashed(_logger, ex, GrainKey);
            outcome = FailedOutcome(request, ledger, new ToolError(FlowErrorKind.AgentFailed, $"agent {request.AgentName} failed: {ex.GetType().Name}: {ex.Message}", true, RecoveryHint.Retry), TimeProvider.GetElapsedTime(started).TotalMilliseconds);
        }

        // Only the last attempt's ledger is read again (the next attempt starts from it, the report carries it), so an
        // earlier attempt keeps its calls, transactions and error but not a copy of the ledger: a step's state is
        // rewritten at every attempt, and each ledger copy is 1-2 KB of it.
        if (State.Attempts.Count > 0)
        {
            State.Attempts[^1] = State.Attempts[^1] with { Ledger = Flows.Ledger.LedgerSnapshot.Empty };
        }

        State.Attempts.Add(outcome);
        GrainsTelemetry.StepAttempts.Add(1);
        GrainsTelemetry.StepDuration.Record(outcome.DurationMs);
        GrainsLog.StepAttempted(_logger, outcome.Succeeded ? LogLevel.Debug : LogLevel.Information, GrainKey, attempt, outcome.Status, outcome.DurationMs, outcome.Error);
        return outcome;
    }

    /// <summary>Schedules a backoff retry as a reminder when the recovery budget allows it.</summary>
    private bool ScheduleRetry(StepOutcome failed)
    {
        var recovery = State.Command!.Recovery;
        var delay = recovery.BackoffFor(State.ReminderRetries + 1);
        var spent = TimeProvider.GetUtcNow() - State.FirstAttemptAt!.Value;
        if (spent + delay > TimeSpan.FromMilliseconds(recovery.MaxRecoveryTimeMs))
        {
            return false;
        }

        State.Status = StepRunStatus.WaitingRetry;
        State.Retries++;
        State.ReminderRetries++;
        State.NextRetryAt = TimeProvider.GetUtcNow() + delay;
        RegisterReminder(RetryReminder, delay);
        GrainsTelemetry.StepRetries.Add(1, new KeyValuePair<string, object?>("kind", "reminder"));
        GrainsLog.StepRetryScheduled(_logger, GrainKey, (int)delay.TotalMilliseconds, State.Retries, failed.Error?.Message ?? string.Empty);
        _ = GrainFactory.GetGrain<IExecutionGrain>(State.ExecutionId)
            .StepRetryingAsync(State.Index, State.Attempts.Count + State.Command.PriorAttempts, failed.Error?.Message ?? string.Empty, (int)delay.TotalMilliseconds);
        return true;
    }

    private async Task FinishAsync(StepRunStatus status, string? error)
    {
        var command = State.Command!;
        var last = State.Attempts.Count > 0 ? State.Attempts[^1] : null;
        State.Status = status;
        State.FinishedAt = TimeProvider.GetUtcNow();
        State.Reported = true;
        var report = new StepReport
        {
            ExecutionId = State.ExecutionId,
            StepKey = GrainKey,
            Index = State.Index,
            Alternate = command.Alternate,
            AlternateNumber = command.AlternateNumber,
            Status = status,
            Attempts = State.Attempts.Count,
            Outcome = last,
            Error = status == StepRunStatus.Succeeded ? null : error,
            ErrorKind = status == StepRunStatus.Succeeded ? null : last?.Error?.Kind.ToString(),
            Retryable = last?.Error?.Retryable ?? false,
            Hint = last?.Error?.Hint.ToString(),
            DurationMs = State.Attempts.Sum(a => a.DurationMs),
            Retries = State.Retries,
            Journal = status == StepRunStatus.Succeeded ? null : Journal(), // a re-run of the step must not do it again
        };
        await GrainFactory.GetGrain<IExecutionGrain>(State.ExecutionId).StepFinishedAsync(report);
        Publish();
        // A finished step keeps what it did, not what it was sent nor the ledger it left: the command's flow document,
        // key map and starting ledger, and the last attempt's ledger (4-5 KB of JSON, most of the state), are in its
        // execution's state, which the report just reached. Nothing here reads them again: a duplicate Run, a late
        // Cancel and a retry reminder all stop at Reported.
        State.PriorAttempts = command.PriorAttempts;
        State.Command = null;
        if (last is not null)
        {
            State.Attempts[^1] = last with { Ledger = Flows.Ledger.LedgerSnapshot.Empty };
        }

        DeactivateOnIdle(); // a finished step is only read again, rarely: free its memory now
        await WriteStateAsync();
    }

    private void Publish()
    {
        var last = State.Attempts.Count > 0 ? State.Attempts[^1] : null;
        State.Revision++;
        Project(new StepSessionRow
        {
            Revision = State.Revision,
            SessionId = GrainKey,
            ExecutionId = State.ExecutionId,
            StepIndex = State.Index,
            Alternate = Naming.Name(State.Alternate),
            Attempt = State.Attempts.Count + (State.Command?.PriorAttempts ?? State.PriorAttempts),
            Status = Naming.Name(State.Status),
            ToolCount = State.Attempts.Sum(a => a.ToolCalls.Count),
            Score = last?.Score.FinalScore ?? 0,
            DurationMs = State.Attempts.Sum(a => a.DurationMs),
            Prompt = last?.Prompt ?? string.Empty,
            Error = last?.Error?.Message,
            UpdatedAt = TimeProvider.GetUtcNow(),
        });
    }

    /// <summary>The command with its execution's flow document and key map, read back when its JSON left them out (ADR 0022).</summary>
    private async Task<StepCommand> WithInputsAsync(StepCommand command, CancellationToken cancellationToken)
    {
        if (command.Request.Document is not null)
        {
            return command;
        }

        var stored = await inputs.RequireAsync(command.ExecutionId, $"the command of step {GrainKey}", cancellationToken);
        return command with { Request = command.Request with { Document = stored.Request.Document, KeyMap = stored.KeyMap! } };
    }

    /// <summary>What this step has done so far, in earlier sessions and in this one's attempts (ADR 0012).</summary>
    private ToolJournal? Journal() => ToolJournal.From(State.Command!.Journal, State.Command.Request.Ledger,
        State.Attempts.Select(static a => ((IEnumerable<ToolCallRecord>)a.ToolCalls, (IEnumerable<Flows.Ledger.TransactionRecord>)a.Transactions)));

    private static bool IsRetryable(StepOutcome outcome) =>
        !outcome.Succeeded && outcome.Error is { Retryable: true };

    internal static StepOutcome FailedOutcome(StepRequest request, Flows.Ledger.LedgerSnapshot ledger, ToolError error, double durationMs) => new(
        request.StepIndex,
        request.Attempt,
        request.PromptOverride ?? (request.StepIndex <= request.Document.StepCount ? request.Document.PromptOfStep(request.StepIndex) : string.Empty),
        request.AgentName,
        StepStatus.Failed,
        ledger,
        default(EquatableArray<ToolCallRecord>),
        default(EquatableArray<Flows.Ledger.TransactionRecord>),
        error,
        new StepScore(0, 0, 0, request.Document.GroundTruth.PassThreshold, false, false),
        error.Message,
        durationMs,
        new Dictionary<string, ulong>(StringComparer.Ordinal));
}
