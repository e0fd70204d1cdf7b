using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;

namespace Reev.Cluster.Grains.Executions;

public sealed partial class ExecutionGrain
{
    private static readonly FulfillmentAnswer[] AllAnswers = [FulfillmentAnswer.Retry, FulfillmentAnswer.Skip, FulfillmentAnswer.Abort, FulfillmentAnswer.Alternate];

    /// <summary>The alternates that can help after an error kind, in default order.</summary>
    internal static IReadOnlyList<AlternateKind> CandidatesFor(string? errorKind) => errorKind switch
    {
        "SlippageExceeded" or "Liquidity" => [AlternateKind.ReducedAmount, AlternateKind.SecondVenue],
        "VenueUnavailable" => [AlternateKind.SecondVenue, AlternateKind.FreshAttempt],
        "Transient" or "Timeout" or "AgentFailed" => [AlternateKind.FreshAttempt],
        _ => [],
    };

    /// <summary>Sends step <paramref name="index"/> (or an alternate of it) to a new step grain.</summary>
    private void StartStep(int index, AlternateKind alternate)
    {
        var step = State.Steps[index - 1];
        var number = step.SessionKeys.Count == 0 ? 0 : ++step.AlternateCount;
        step.SessionKey = StepKeys.For(GrainKey, index, number);
        step.SessionKeys.Add(step.SessionKey);
        step.Status = StepRunStatus.Running;
        step.Alternate = alternate;
        step.StartedAt ??= TimeProvider.GetUtcNow();
        State.WaitingSince = TimeProvider.GetUtcNow();
        State.CurrentStep = index;
        var document = Request.Document;
        var reductions = step.TriedAlternates.Count(a => a == AlternateKind.ReducedAmount);
        var request = new StepRequest(
            document,
            index,
            State.KeyMap!,
            State.Ledger!,
            Request.Agent,
            Request.FaultSpec,
            Request.Seed,
            PreviousReceived: new Dictionary<string, ulong>(State.Received, StringComparer.Ordinal),
            AmountScale: alternate == AlternateKind.ReducedAmount ? (decimal)Math.Pow(0.5, Math.Max(1, reductions)) : null,
            Venue: alternate == AlternateKind.SecondVenue ? "raydium" : null);
        var timeoutMs = StepTimeoutMs(index);
        _ = GrainFactory.GetGrain<IStepGrain>(step.SessionKey).RunAsync(new StepCommand
        {
            ExecutionId = GrainKey,
            Request = request,
            InputsStored = State.InputsStored,
            Alternate = alternate,
            AlternateNumber = number,
            Recovery = Request.Recovery,
            TimeoutMs = timeoutMs,
            PriorAttempts = step.Attempts,
            Journal = step.Journal,
        });
        Emit("step_started", index, alternate == AlternateKind.None
            ? $"step {index} started{(number > 0 ? " again" : string.Empty)}: {step.Description}"
            : $"step {index} alternate {alternate} started", EventData.Of(("session_id", step.SessionKey), ("alternate", Naming.Name(alternate))));
    }

    private void Advance(int index)
    {
        if (index < State.Steps.Count)
        {
            StartStep(index + 1, AlternateKind.None);
            return;
        }

        var steps = State.Steps;
        var ok = steps.Count(s => s.Status is StepRunStatus.Succeeded or StepRunStatus.Recovered);
        var outcome = Request.AtomicMode switch
        {
            AtomicMode.Strict => ok == steps.Count ? ExecutionStatus.Completed : ExecutionStatus.Failed,
            // Critical failures end the flow earlier; a flow of non-critical steps that all failed did nothing (as lenient).
            AtomicMode.Conditional => ok > 0 && !steps.Any(s => s.Critical && s.Status is StepRunStatus.Failed) ? ExecutionStatus.Completed : ExecutionStatus.Failed,
            _ => ok > 0 ? ExecutionStatus.Completed : ExecutionStatus.Failed,
        };
        Finish(outcome);
    }

    /// <summary>A step failed after its retries: alternates, then the user, then the atomic mode decide.</summary>
    private async Task RecoverAsync(StepState step)
    {
        if (Request.Recovery.EnableAlternativeFlows)
        {
            var candidates = CandidatesFor(step.ErrorKind).Where(c => !step.TriedAlternates.Contains(c)).ToList();
            if (step.PendingAlternates is not null && step.ErrorKind != step.AlternateTrigger)
            {
                // The alternate failed otherwise than the step first did (a fresh attempt that then hit slippage): the new
                // error has alternates of its own, so they are chosen again. Tried ones are never run twice.
                step.PendingAlternates = null;
            }

            if (step.PendingAlternates is null)
            {
                // Asked even when the playbook has no alternate for this error: a user's rule (POST /recovery/strategies)
                // may name one. The answer (possibly none) comes back as AlternatesChosen or StrategyMatched.
                step.AlternateTrigger = step.ErrorKind;
                if (candidates.Count > 0)
                {
                    Emit("recovery", step.Index, $"choosing an alternate flow for {step.ErrorKind}");
                }

                State.WaitingSince = TimeProvider.GetUtcNow();
                await GrainFactory.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key)
                    .ChooseAlternatesAsync(new AlternateQuery(GrainKey, step.Index, step.ErrorKind ?? "Unknown", candidates) { Error = step.Error, Tools = [.. step.Tools] });
                return;
            }

            if (step.PendingAlternates?.FirstOrDefault(a => !step.TriedAlternates.Contains(a)) is { } next and not AlternateKind.None)
            {
                step.PendingAlternates.Remove(next);
                RunAlternate(step, next);
                return;
            }
        }

        if (Request.Recovery.EnableUserFulfillment && step.Questions < MaxQuestionsPerStep)
        {
            step.Questions++;
            step.Status = StepRunStatus.Failed;
            State.Status = ExecutionStatus.AwaitingUser;
            var deadline = TimeProvider.GetUtcNow().AddMilliseconds(Request.Recovery.UserFulfillmentTimeoutMs);
            State.Question = new PendingQuestion(step.Index, step.Error ?? "the step failed", AllAnswers, Request.Recovery.DefaultAnswer, deadline);
            RegisterReminder(FulfillmentReminder, TimeSpan.FromMilliseconds(Request.Recovery.UserFulfillmentTimeoutMs));
            AddAction(step.Index, "user_fulfillment", "waiting for an answer", null);
            GrainsTelemetry.Recoveries.Add(1, new KeyValuePair<string, object?>("strategy", "user_fulfillment"));
            Emit("awaiting_user", step.Index, $"step {step.Index} failed ({step.Error}); answer retry, skip, abort or alternate before {deadline:O}");
            State.Question = State.Question with { Sequence = State.Events[^1].Sequence };
            return;
        }

        ApplyFailure(step);
    }

    /// <summary>The atomic mode decides what a failed step means for the flow.</summary>
    private void ApplyFailure(StepState step)
    {
        step.Status = StepRunStatus.Failed;
        var endsFlow = Request.AtomicMode switch
        {
            AtomicMode.Strict => true,
            AtomicMode.Conditional => step.Critical,
            _ => false,
        };
        if (endsFlow)
        {
            Emit("flow_stopping", step.Index, $"step {step.Index} failed{(step.Critical ? " (critical)" : string.Empty)}; {Naming.Lower(Request.AtomicMode)} mode ends the flow");
            Finish(ExecutionStatus.Failed);
            return;
        }

        Advance(step.Index);
    }

    private void ApplyAnswer(int index, FulfillmentAnswer answer, string by)
    {
        var step = State.Steps[index - 1];
        State.Status = ExecutionStatus.Running;
        State.Question = null;
        // Retry and Alternate are decided by the run they start; Skip and Abort leave the step failed: not a recovery.
        AddAction(index, "user_fulfillment", $"{by}: {answer}", answer is FulfillmentAnswer.Retry or FulfillmentAnswer.Alternate ? null : false);
        switch (answer)
        {
            case FulfillmentAnswer.Retry:
                StartStep(index, AlternateKind.None);
                break;
            case FulfillmentAnswer.Skip:
                // "Leave the step failed": the atomic mode says what that means, as for any failed step. A flow it ends
                // (strict, or a critical step in conditional mode) ends now: the later steps must not send transactions.
                ApplyFailure(step);
                break;
            case FulfillmentAnswer.Alternate:
                var next = CandidatesFor(step.ErrorKind).Append(AlternateKind.FreshAttempt).FirstOrDefault(a => !step.TriedAlternates.Contains(a));
                if (next == AlternateKind.None)
                {
                    ApplyFailure(step);
                    break;
                }

                RunAlternate(step, next);
                break;
            default:
                step.Status = StepRunStatus.Failed;
                Finish(ExecutionStatus.Failed);
                break;
        }
    }

    /// <summary>
    /// Runs an alternate of a failed step, chosen by the recovery grain or by the user: recorded, counted and fed to the
    /// playbook the same way whoever chose it.
    /// </summary>
    private void RunAlternate(StepState step, AlternateKind alternate)
    {
        // The error the alternate answers: the playbook and the recovery grain learn from it once the step's error is gone.
        // Already this error's when the recovery grain chose; unset when the user chose with alternates off.
        step.AlternateTrigger = step.ErrorKind;
        step.TriedAlternates.Add(alternate);
        AddAction(step.Index, "alternate_flow", $"running {alternate} after {step.ErrorKind}", null);
        GrainsTelemetry.Recoveries.Add(1, new KeyValuePair<string, object?>("strategy", "alternate_flow"));
        StartStep(step.Index, alternate);
    }

    /// <summary>Ends the steps: scores the flow and hands it to the consolidation (whatever the outcome).</summary>
    private void Finish(ExecutionStatus outcome)
    {
        foreach (var pending in State.Steps.Where(s => s.Status == StepRunStatus.Pending))
        {
            pending.Status = StepRunStatus.Skipped;
        }

        var outcomes = State.Steps.Where(s => s.Outcome is not null).Select(s => s.Outcome!).ToList();
        if (State.KeyMap is not null)
        {
            var report = FlowScorer.ScoreFlow(Request.Document, State.KeyMap, State.InitialLedger!, State.Ledger!, outcomes);
            State.Score = FlowScores.From(report);
            State.Passed = report.Passed && outcome != ExecutionStatus.Cancelled;
        }

        State.Outcome = outcome;
        var now = TimeProvider.GetUtcNow();
        if (outcome == ExecutionStatus.Cancelled)
        {
            State.Status = ExecutionStatus.Cancelled;
            State.FinishedAt = now;
        }
        else
        {
            State.Status = ExecutionStatus.Consolidating;
            State.WaitingSince = now;
        }

        GrainsTelemetry.ExecutionsFinished.Add(1, new KeyValuePair<string, object?>("status", outcome.ToString()));
        GrainsLog.ExecutionFinished(_logger, GrainKey, outcome, State.Score?.FlowScore ?? 0, State.Passed);
        Emit("flow_finished", null, $"steps ended: {Naming.Lower(outcome)}, score {State.Score?.FlowScore ?? 0:0.###}, passed {(State.Passed ? "true" : "false")}");
        if (outcome == ExecutionStatus.Cancelled)
        {
            // Final at once: the consolidation that follows is bookkeeping and never changes a cancelled outcome.
            Emit("final", null, "execution cancelled");
        }

        var recovery = GrainFactory.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key);
        var decided = State.Actions.Where(a => a.Succeeded is not null).ToList();
        for (var i = 0; i < decided.Count; i++)
        {
            var action = decided[i];
            var step = State.Steps[action.Step - 1];
            // A step's time counts once, with its last decided action: the actions of one step share it.
            var last = decided.FindLastIndex(a => a.Step == action.Step) == i;
            _ = recovery.RecordAsync(new RecoveryEvent(action.Strategy, action.Succeeded!.Value, last ? step.DurationMs : 0, step.AlternateTrigger ?? step.ErrorKind));
        }

        var sessions = State.Steps.SelectMany(s => s.SessionKeys.Select(key => new SessionSummary(
            key,
            s.Index,
            key == s.SessionKey ? s.Alternate : AlternateKind.None,
            key == s.SessionKey ? s.Status : StepRunStatus.Failed,
            key == s.SessionKey && s.Outcome is { ToolCalls.IsEmpty: false } decided ? [.. decided.ToolCalls.Select(static c => c.ToolName)] : [], // the deciding session's own calls
            key == s.SessionKey ? s.Score ?? 0 : 0,
            key == s.SessionKey ? s.DurationMs : 0,
            key == s.SessionKey ? s.Error : "superseded by a later attempt",
            s.Outcome?.Prompt ?? s.Description))).ToList();
        State.Consolidation = new ConsolidationView { ExecutionId = GrainKey, Status = ConsolidationStatus.Pending };
        _ = GrainFactory.GetGrain<IConsolidationGrain>(GrainKey).ConsolidateAsync(new ConsolidationCommand(
            GrainKey,
            Request.Document.Id,
            outcome,
            sessions,
            [.. State.Actions],
            [.. State.Observations],
            Request.ConsolidationTimeoutMs,
            (now - State.CreatedAt).TotalMilliseconds));
    }

    private int StepTimeoutMs(int index) =>
        Request.Document.IsMultiStep && Request.Document.Flow[index - 1].TimeoutSeconds is { } seconds ? seconds * 1000 : Request.DefaultStepTimeoutMs;

    /// <summary>
    /// The watchdog's check (see <see cref="ExecutionWatchdogOptions"/>): a step that has not reported within its budget
    /// fails (as "Stalled"; the atomic mode decides what follows), and a consolidation that has not answered within its
    /// budget ends as timed out with the outcome the steps decided. Either grain is told (cancelled); a report that comes
    /// later is stale and ignored.
    /// </summary>
    private async Task WatchAsync()
    {
        if (IsFinal)
        {
            UnregisterReminder(WatchdogReminder);
            return;
        }

        var waited = TimeProvider.GetUtcNow() - (State.WaitingSince ?? State.CreatedAt);
        if (State.Status == ExecutionStatus.Running
            && State.Steps.ElementAtOrDefault(State.CurrentStep - 1) is { Status: StepRunStatus.Running or StepRunStatus.WaitingRetry } step)
        {
            // Twice the step's own bound: a step whose silo died is run again from the start on another silo after the
            // lease expires, and its budget starts over there.
            var budget = (2 * TimeSpan.FromMilliseconds(((double)StepTimeoutMs(step.Index) * (Request.Recovery.InTurnRetries + 1)) + Request.Recovery.MaxRecoveryTimeMs)) + _watchdog.Margin;
            if (waited <= budget)
            {
                return;
            }

            // An attempt still running in this process stops at once; the durable cancel stops the step grain wherever it
            // is (its retry reminder included), so that it does not run on after the execution has decided.
            cancellations.Cancel(step.SessionKey!);
            _ = GrainFactory.GetGrain<IStepGrain>(step.SessionKey!).CancelAsync("stalled: the execution's watchdog gave up on the step");
            step.Error = $"no report from step {step.Index} within {budget.TotalSeconds:0.#} s: its step grain's message was dead-lettered or lost";
            step.ErrorKind = "Stalled";
            GrainsLog.ExecutionStalled(_logger, GrainKey, step.Index, budget.TotalSeconds);
            AddAction(step.Index, "watchdog", step.Error, false);
            Emit("step_stalled", step.Index, step.Error);
            ApplyFailure(step);
            await SaveAsync();
            return;
        }

        if (State.Status == ExecutionStatus.AwaitingUser && State.Question is { } question && TimeProvider.GetUtcNow() > question.DeadlineAt + _watchdog.Margin)
        {
            // The question's own reminder never came (its message was dead-lettered): the default answer applies now.
            GrainsLog.ExecutionStalled(_logger, GrainKey, question.Step, (question.DeadlineAt + _watchdog.Margin - (State.WaitingSince ?? State.CreatedAt)).TotalSeconds);
            await ApplyDefaultAnswerAsync(question);
            return;
        }

        if (State.Status == ExecutionStatus.Consolidating)
        {
            var budget = TimeSpan.FromMilliseconds(Request.ConsolidationTimeoutMs) + _watchdog.Margin;
            if (waited <= budget)
            {
                return;
            }

            var error = $"no answer from the consolidation within {budget.TotalSeconds:0.#} s";
            GrainsLog.ExecutionStalled(_logger, GrainKey, 0, budget.TotalSeconds);
            // As for a stalled step: the consolidation grain is told, so that it ends (its timeout reminder removed) instead
            // of running on, or starting late, and reporting into a final execution. Its report, if one is on its way, is ignored.
            _ = GrainFactory.GetGrain<IConsolidationGrain>(GrainKey).CancelAsync(error);
            State.Consolidation = (State.Consolidation ?? new ConsolidationView { ExecutionId = GrainKey }) with { Status = ConsolidationStatus.TimedOut, Error = error };
            State.Status = State.Outcome ?? ExecutionStatus.Failed;
            State.FinishedAt = TimeProvider.GetUtcNow();
            Emit("consolidation_finished", null, $"consolidation timed out: {error}");
            Emit("final", null, $"execution {Naming.Lower(State.Status)}");
            UnregisterReminder(WatchdogReminder);
            await SaveAsync();
        }
    }

    private Task RecordPlaybookAsync(StepState step, AlternateKind alternate, bool succeeded)
    {
        State.Observations.Add(new PlaybookObservation(step.AlternateTrigger ?? step.ErrorKind ?? "Unknown", alternate, succeeded));
        return Task.CompletedTask;
    }

    private ExecutionView BuildView()
    {
        var accounts = new List<AccountView>();
        if (State.KeyMap is { } keys && State.Ledger is { } ledger && State.InitialLedger is { } initial)
        {
            foreach (var (placeholder, address) in keys.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                var before = initial.Find(address);
                var after = ledger.Find(address);
                accounts.Add(new AccountView(
                    placeholder,
                    address,
                    after?.Lamports ?? 0,
                    after?.Token?.Mint ?? before?.Token?.Mint,
                    after?.Token?.Amount ?? (before?.Token is null ? null : 0UL),
                    before?.Lamports ?? 0,
                    before?.Token?.Amount));
            }
        }

        return new ExecutionView
        {
            ExecutionId = GrainKey,
            Fingerprint = Request.Fingerprint,
            FlowId = Request.Document.Id,
            Status = State.Status,
            Source = Request.Source,
            Agent = Request.Agent,
            AtomicMode = Request.AtomicMode,
            Seed = Request.Seed,
            Passed = State.Passed,
            Score = State.Score,
            Steps = State.Steps.Select(s => new StepView(
                s.Index, s.Description, s.Critical, s.Status, [.. s.Tools], s.Attempts, s.Error, s.ErrorKind, s.Score, s.DurationMs, s.Alternate, s.SessionKey)).ToList(),
            Accounts = accounts,
            RecoveryActions = [.. State.Actions],
            Consolidation = State.Consolidation,
            Question = State.Question,
            Error = State.Error,
            CancelledBy = State.CancelledBy,
            CancelReason = State.CancelReason,
            CreatedAt = State.CreatedAt,
            UpdatedAt = State.UpdatedAt,
            FinishedAt = State.FinishedAt,
            Version = State.Version,
            EventCount = State.Events.Count == 0 ? 0 : (int)State.Events[^1].Sequence,
        };
    }
}
