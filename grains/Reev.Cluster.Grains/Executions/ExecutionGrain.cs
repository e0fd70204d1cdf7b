using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Grains.Steps;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Executions;

/// <summary>
/// One execution: a state machine (queued, running, awaiting user, consolidating, completed, failed,
/// cancelled) that sends each step to a step grain and advances on its report, applying the atomic
/// mode and the recovery strategies (retry happens in the step grain; alternates and user
/// fulfillment here). Every change is an event, kept in order, and mirrored to the executions read model.
/// </summary>
public sealed partial class ExecutionGrain(
    StepRunner runner, StepCancellations cancellations, ILogger<ExecutionGrain>? logger = null, ExecutionWatchdogOptions? watchdog = null,
    IExecutionInputsStore? inputs = null)
    : Grain<ExecutionState>, IExecutionGrain, IRemindable
{
    internal const string FulfillmentReminder = "fulfillment";
    internal const string WatchdogReminder = "watchdog";
    private readonly ExecutionWatchdogOptions _watchdog = watchdog ?? ExecutionWatchdogOptions.Default;
    private const int MaxEvents = 2000;

    /// <summary>Questions per step before the atomic mode decides alone (see <see cref="StepState.Questions"/>).</summary>
    internal const int MaxQuestionsPerStep = 3;
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    private ExecutionRequest Request => State.Request!;

    private bool IsFinal => State.Status is ExecutionStatus.Completed or ExecutionStatus.Failed or ExecutionStatus.Cancelled;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.InputsStored && State.Request is null)
        {
            // Activated from storage: the inputs were committed with the turn that set InputsStored, so they are there.
            State.Restore(await inputs.RequireAsync(GrainKey, $"the state of execution {GrainKey}", cancellationToken));
        }
    }

    public async Task StartAsync(ExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Request is not null)
        {
            return; // already accepted: a repeated Start (an idempotent retry) changes nothing
        }

        var now = TimeProvider.GetUtcNow();
        State.Request = request;
        State.CreatedAt = now;
        Emit("accepted", null, $"flow {request.Document.Id} accepted ({request.Document.StepCount} steps, agent {request.Agent}, {request.AtomicMode})");
        var problems = request.Validate(runner.Agents.Names);
        var prepared = problems.Count == 0 ? FlowPreparation.Prepare(request.Document, request.Seed) : default;
        if (problems.Count == 0 && !prepared.IsSuccess)
        {
            problems = [prepared.Error!.ToString()];
        }

        for (var i = 1; i <= request.Document.StepCount; i++)
        {
            State.Steps.Add(new StepState
            {
                Index = i,
                Description = request.Document.IsMultiStep ? request.Document.Flow[i - 1].Description : request.Document.Description,
                Critical = request.Document.IsCritical(i),
            });
        }

        if (problems.Count > 0)
        {
            GrainsLog.ExecutionRefused(_logger, GrainKey, string.Join(" ", problems));
            State.Error = string.Join(" ", problems);
            State.Status = ExecutionStatus.Failed;
            State.Outcome = ExecutionStatus.Failed;
            State.FinishedAt = now;
            foreach (var step in State.Steps)
            {
                step.Status = StepRunStatus.Skipped;
            }

            Emit("refused", null, State.Error);
            Emit("final", null, "failed before running: " + State.Error);
            await SaveAsync();
            return;
        }

        var flow = prepared.Flow!;
        State.KeyMap = flow.KeyMap;
        State.InitialLedger = flow.InitialLedger;
        State.Ledger = flow.InitialLedger;
        if (inputs is not null)
        {
            // Stored once with this turn; every later write of the state leaves them out (ADR 0022).
            Project(new ExecutionInputsRow { ExecutionId = GrainKey, Inputs = new ExecutionInputs(request, flow.KeyMap, flow.InitialLedger) });
            State.InputsStored = true;
        }

        State.Status = ExecutionStatus.Running;
        GrainsTelemetry.ExecutionsStarted.Add(1);
        GrainsLog.ExecutionStarted(_logger, GrainKey, request.Document.Id, request.Document.StepCount, request.Agent, request.AtomicMode);
        RegisterReminder(WatchdogReminder, _watchdog.Margin, _watchdog.Margin);
        StartStep(1, AlternateKind.None);
        await SaveAsync();
    }

    public async Task CancelAsync(CancelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (State.Request is null || IsFinal || State.Status == ExecutionStatus.Consolidating)
        {
            return; // consolidating: the steps are over and the outcome is decided; a cancel must not rewrite it
        }

        GrainsLog.ExecutionCancelled(_logger, GrainKey, request.By, request.Reason);
        State.CancelledBy = request.By;
        State.CancelReason = request.Reason;
        if (State.Status == ExecutionStatus.AwaitingUser)
        {
            UnregisterReminder(FulfillmentReminder);
            State.Question = null;
        }

        foreach (var step in State.Steps.Where(s => s.Status is StepRunStatus.Running or StepRunStatus.WaitingRetry))
        {
            // Stops the running attempt at once when it runs in this process; the durable message stops it anywhere.
            cancellations.Cancel(step.SessionKey!);
            await GrainFactory.GetGrain<IStepGrain>(step.SessionKey!).CancelAsync($"execution cancelled by {request.By}: {request.Reason}");
            step.Status = StepRunStatus.Cancelled;
        }

        Emit("cancelled", null, $"cancelled by {request.By}: {request.Reason}");
        Finish(ExecutionStatus.Cancelled);
        UnregisterReminder(WatchdogReminder);
        await SaveAsync();
    }

    public async Task AnswerAsync(FulfillmentAnswer answer, string by, long question)
    {
        if (State.Status != ExecutionStatus.AwaitingUser || State.Question is not { } pending)
        {
            return;
        }

        if (question != 0 && pending.Sequence != 0 && question != pending.Sequence)
        {
            // Meant for an earlier question (a late or repeated answer): recorded, not applied to this one.
            Emit("answer_ignored", pending.Step, $"{by} answered {answer} to question {question}; the open question is {pending.Sequence}");
            await SaveAsync();
            return;
        }

        UnregisterReminder(FulfillmentReminder);
        Emit("answered", pending.Step, $"{by} answered {answer}", EventData.Of(("answer", answer.ToString()), ("by", by)));
        ApplyAnswer(pending.Step, answer, by);
        await SaveAsync();
    }

    public Task<ExecutionView?> ReadAsync() => Task.FromResult(State.Request is null ? null : BuildView());

    public Task<IReadOnlyList<ExecutionEvent>> ReadEventsAsync(long afterSequence, int max) =>
        Task.FromResult<IReadOnlyList<ExecutionEvent>>(State.Events.Where(e => e.Sequence > afterSequence).Take(Math.Clamp(max, 1, 1000)).ToList());

    public async Task StepFinishedAsync(StepReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var step = State.Steps.ElementAtOrDefault(report.Index - 1);
        if (step is null || step.SessionKey != report.StepKey || IsFinal || step.Status is not (StepRunStatus.Running or StepRunStatus.WaitingRetry))
        {
            GrainsLog.StaleReport(_logger, GrainKey, report.StepKey);
            return;
        }

        step.Status = StepRunStatus.Running; // it may have waited for a retry: it is decided now
        step.Attempts += report.Attempts;
        step.Retries += report.Retries;
        step.DurationMs += report.DurationMs;
        step.Journal = report.Status == StepRunStatus.Succeeded ? null : report.Journal ?? step.Journal;
        if (report.Outcome is { } outcome)
        {
            foreach (var call in outcome.ToolCalls)
            {
                step.Tools.Add(call.ToolName);
                ReadOnlySpan<(string, string)> pairs = [("tool", call.ToolName), ("success", call.Success ? "true" : "false"), ("arguments", call.ArgumentsJson), ("replayed", "true")];
                var data = EventData.Of(call.Replayed ? pairs : pairs[..^1]);

                Emit("tool_called", step.Index, call.Replayed
                    ? $"{call.ToolName} replayed: an earlier attempt of the step made it"
                    : $"{call.ToolName} {(call.Success ? "succeeded" : "failed")} in {call.DurationMs:0.#} ms", data);
            }

            // Failed transactions still charge fees. An unchanged ledger keeps its instance (and its cached JSON).
            State.Ledger = outcome.Ledger.Equals(State.Ledger) ? State.Ledger : outcome.Ledger;
            step.Outcome = outcome with { Ledger = Flows.Ledger.LedgerSnapshot.Empty }; // scoring needs its calls and transactions, not its ledger

            step.Score = outcome.Score.FinalScore;
        }

        if (report.Status == StepRunStatus.Succeeded)
        {
            step.Status = report.Alternate == AlternateKind.None && report.AlternateNumber == 0 ? StepRunStatus.Succeeded : StepRunStatus.Recovered;
            step.Error = null;
            step.ErrorKind = null;
            foreach (var (mint, amount) in report.Outcome?.Received ?? new Dictionary<string, ulong>())
            {
                State.Received[mint] = State.Received.GetValueOrDefault(mint) + amount;
            }

            if (report.Retries > 0)
            {
                AddAction(step.Index, "retry", $"{report.Retries} retries, {report.Attempts} attempts", true);
            }

            if (report.Alternate != AlternateKind.None)
            {
                AddAction(step.Index, "alternate_flow", $"{report.Alternate} succeeded", true);
                await RecordPlaybookAsync(step, report.Alternate, true);
            }

            Emit("step_finished", step.Index, $"step {step.Index} {Naming.Lower(step.Status)} after {step.Attempts} attempts");
            Advance(step.Index);
            await SaveAsync();
            return;
        }

        step.Error = report.Error;
        step.ErrorKind = report.ErrorKind;
        step.Hint = report.Hint;
        if (report.Retries > 0)
        {
            AddAction(step.Index, "retry", $"{report.Retries} retries did not help: {report.Error}", false);
        }

        if (report.Alternate != AlternateKind.None)
        {
            AddAction(step.Index, "alternate_flow", $"{report.Alternate} failed: {report.Error}", false);
            await RecordPlaybookAsync(step, report.Alternate, false);
        }

        Emit("step_failed", step.Index, $"step {step.Index} failed: {report.Error}", EventData.Of(("error_kind", report.ErrorKind ?? string.Empty)));
        await RecoverAsync(step);
        await SaveAsync();
    }

    public async Task StepRetryingAsync(int index, int attempt, string message, int delayMs)
    {
        var step = State.Steps.ElementAtOrDefault(index - 1);
        if (step is null || IsFinal || step.Status is not (StepRunStatus.Running or StepRunStatus.WaitingRetry))
        {
            return;
        }

        step.Status = StepRunStatus.WaitingRetry;
        Emit("step_retrying", index, $"attempt {attempt} failed ({message}); retrying in {delayMs} ms",
            EventData.Of(("delay_ms", delayMs.ToString(CultureInfo.InvariantCulture))));
        await SaveAsync();
    }

    public async Task AlternatesChosenAsync(int stepIndex, IReadOnlyList<AlternateKind> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var step = State.Steps.ElementAtOrDefault(stepIndex - 1);
        if (step is null || IsFinal || step.PendingAlternates is not null || step.Status is not (StepRunStatus.Running or StepRunStatus.WaitingRetry))
        {
            return;
        }

        step.PendingAlternates = [.. order];
        await RecoverAsync(step);
        await SaveAsync();
    }

    public async Task ConsolidationFinishedAsync(ConsolidationView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (State.Consolidation is { Status: not (ConsolidationStatus.Pending or ConsolidationStatus.InProgress) })
        {
            return;
        }

        State.Consolidation = view;
        Emit("consolidation_finished", null, $"consolidation {Naming.Lower(view.Status)}" + (view.Error is null ? string.Empty : $": {view.Error}"));
        if (State.Status == ExecutionStatus.Consolidating)
        {
            State.Status = State.Outcome ?? ExecutionStatus.Failed;
            State.FinishedAt = TimeProvider.GetUtcNow();
            Emit("final", null, $"execution {Naming.Lower(State.Status)}");
        }

        UnregisterReminder(WatchdogReminder);
        DeactivateOnIdle(); // nothing more will happen to it; reads reload it from the store
        await SaveAsync();
    }

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken)
    {
        if (reminderName == WatchdogReminder)
        {
            await WatchAsync();
            return;
        }

        if (reminderName != FulfillmentReminder || State.Status != ExecutionStatus.AwaitingUser || State.Question is not { } question)
        {
            return;
        }

        await ApplyDefaultAnswerAsync(question);
    }

    private async Task ApplyDefaultAnswerAsync(PendingQuestion question)
    {
        UnregisterReminder(FulfillmentReminder);
        Emit("answer_timed_out", question.Step, $"no answer in time; applying the default {question.DefaultAnswer}");
        AddAction(question.Step, "user_fulfillment", $"timed out; default {question.DefaultAnswer}", null);
        ApplyAnswer(question.Step, question.DefaultAnswer, "default");
        await SaveAsync();
    }

    private Task SaveAsync()
    {
        State.Version++;
        State.UpdatedAt = TimeProvider.GetUtcNow();
        Project(new ExecutionRow
        {
            ExecutionId = GrainKey,
            FlowId = Request.Document.Id,
            Source = Naming.Lower(Request.Source),
            Agent = Request.Agent,
            AtomicMode = Naming.Lower(Request.AtomicMode),
            Status = Naming.Snake(State.Status),
            Score = State.Score?.FlowScore,
            InstructionScore = State.Score?.Instruction,
            OnChainScore = State.Score?.OnChain,
            AssertionScore = State.Score?.Assertion,
            Passed = State.Score is null ? null : State.Passed,
            Error = State.Error,
            CreatedAt = State.CreatedAt,
            UpdatedAt = State.UpdatedAt,
            FinishedAt = State.FinishedAt,
            Version = State.Version,
        });
        return WriteStateAsync();
    }

    private void Emit(string type, int? step, string message, IReadOnlyDictionary<string, string>? data = null)
    {
        var sequence = State.Events.Count == 0 ? 1 : State.Events[^1].Sequence + 1;
        State.Events.Add(new ExecutionEvent(sequence, type, TimeProvider.GetUtcNow(), step, message, data));
        if (State.Events.Count > MaxEvents)
        {
            State.Events.RemoveAt(0);
        }
    }

    private void AddAction(int step, string strategy, string detail, bool? succeeded) =>
        State.Actions.Add(new RecoveryAction(step, strategy, detail, succeeded, TimeProvider.GetUtcNow()));
}
