using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Consolidation;

/// <summary>
/// Merges an execution's step sessions into one consolidated session. The first turn commits a
/// reminder for the timeout before any phase runs; the phases (gather, merge, summarize, playbook)
/// run in the next turn under the remaining time. A failed phase, a hang past the deadline, the
/// reminder firing first (its silo died mid-phase), or the execution's watchdog giving up on it
/// (<see cref="CancelAsync"/>) ends it as failed or timed out with score 0; the execution's outcome never changes.
/// </summary>
public sealed class ConsolidationGrain(IConsolidationPhaseHook? hook = null, ILogger<ConsolidationGrain>? logger = null)
    : Grain<ConsolidationState>, IConsolidationGrain, IRemindable, IConsolidationRunner
{
    internal const string TimeoutReminder = "timeout";
    internal static readonly string[] Phases = ["gather", "merge", "summarize", "playbook"];
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    public async Task ConsolidateAsync(ConsolidationCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (State.Command is not null || State.Status != ConsolidationStatus.Pending)
        {
            return; // already has its command, or the execution gave up on it before the command came
        }

        var now = TimeProvider.GetUtcNow();
        State.Command = command;
        State.Status = ConsolidationStatus.InProgress;
        State.StartedAt = now;
        State.DeadlineAt = now.AddMilliseconds(command.TimeoutMs);
        State.ConsolidatedSessionId = $"consolidated-{GrainKey}";
        RegisterReminder(TimeoutReminder, TimeSpan.FromMilliseconds(command.TimeoutMs));
        await GrainFactory.GetGrain<IConsolidationRunner>(GrainKey).RunPhasesAsync();
        Publish();
        await WriteStateAsync();
    }

    public async Task RunPhasesAsync()
    {
        if (State.Status != ConsolidationStatus.InProgress || State.Command is not { } command)
        {
            return;
        }

        var remaining = State.DeadlineAt!.Value - TimeProvider.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            await EndAsync(ConsolidationStatus.TimedOut, $"consolidation timed out after {command.TimeoutMs} ms");
            return;
        }

        using var deadline = new CancellationTokenSource(remaining, TimeProvider);
        var sessions = command.Sessions;
        foreach (var phase in Phases.Where(p => !State.PhasesCompleted.Contains(p)))
        {
            var started = TimeProvider.GetTimestamp();
            try
            {
                if (hook is not null)
                {
                    await hook.BeforePhaseAsync(GrainKey, phase, deadline.Token).WaitAsync(deadline.Token);
                }

                RunPhase(phase, command, sessions);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                await EndAsync(ConsolidationStatus.TimedOut, $"phase {phase} did not finish within the consolidation timeout of {command.TimeoutMs} ms");
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await EndAsync(ConsolidationStatus.Failed, $"phase {phase} failed: {ex.Message}");
                return;
            }

            State.PhasesCompleted.Add(phase);
            State.PhaseDurationsMs[phase] = TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        }

        await EndAsync(ConsolidationStatus.Completed, null);
    }

    public async Task CancelAsync(string reason)
    {
        if (State.Status is not (ConsolidationStatus.Pending or ConsolidationStatus.InProgress))
        {
            return; // it ended on its own first; the execution ignores that report
        }

        if (State.Command is null)
        {
            // Cancelled before its command arrived (the command was dead-lettered, or comes late): nothing to stop, and a
            // command that comes later must not start phases and a reminder for an execution that is already final.
            State.Status = ConsolidationStatus.TimedOut;
            State.Error = reason;
            State.FinishedAt = TimeProvider.GetUtcNow();
            await WriteStateAsync();
            return;
        }

        // The execution already recorded it as timed out: end it the same way, without a report it would ignore.
        await EndAsync(ConsolidationStatus.TimedOut, reason, report: false);
    }

    public Task<ConsolidationView?> ReadAsync() => Task.FromResult(State.Command is null ? null : View());

    public async Task ReceiveReminderAsync(string reminderName, ReminderTick tick, CancellationToken cancellationToken)
    {
        if (reminderName == TimeoutReminder && State.Status == ConsolidationStatus.InProgress)
        {
            await EndAsync(ConsolidationStatus.TimedOut, $"consolidation timed out after {State.Command!.TimeoutMs} ms");
        }
    }

    private void RunPhase(string phase, ConsolidationCommand command, IReadOnlyList<SessionSummary> sessions)
    {
        switch (phase)
        {
            case "gather":
                if (sessions.Count == 0 && command.Outcome != ExecutionStatus.Cancelled)
                {
                    throw new InvalidOperationException("the execution handed over no step session");
                }

                break;
            case "merge":
                var content = new StringBuilder();
                content.Append(CultureInfo.InvariantCulture, $"# Consolidated session of {command.ExecutionId} ({command.FlowId}): {Naming.Lower(command.Outcome)}\n");
                foreach (var s in sessions)
                {
                    content.Append(CultureInfo.InvariantCulture, $"- step {s.Index} [{s.SessionId}]{(s.Alternate == AlternateKind.None ? string.Empty : $" alternate {s.Alternate}")}: ");
                    content.Append(s.Status is StepRunStatus.Succeeded or StepRunStatus.Recovered
                        ? string.Create(CultureInfo.InvariantCulture, $"success, score {s.Score:0.###}, tools {string.Join(", ", s.Tools)}")
                        : $"{Naming.Lower(s.Status)}: {s.Error ?? "no error recorded"}");
                    content.Append('\n');
                }

                foreach (var a in command.RecoveryActions)
                {
                    content.Append(CultureInfo.InvariantCulture, $"- recovery at step {a.Step}: {a.Strategy} ({a.Detail})\n");
                }

                State.ConsolidatedContent = content.ToString();
                break;
            case "summarize":
                var decisive = sessions.Where(s => s.Error != "superseded by a later attempt").ToList();
                State.AvgScore = decisive.Count == 0 ? 0 : decisive.Average(s => s.Score);
                State.SuccessRate = decisive.Count == 0 ? 0 : (double)decisive.Count(s => s.Status is StepRunStatus.Succeeded or StepRunStatus.Recovered) / decisive.Count;
                State.TotalTools = decisive.Sum(s => s.Tools.Count);
                break;
            case "playbook":
                if (command.Observations.Count > 0)
                {
                    _ = GrainFactory.GetGrain<IRecoveryGrain>(IRecoveryGrain.Key).UpdatePlaybookAsync(new PlaybookUpdate(command.ExecutionId, command.Observations));
                }

                break;
            default:
                throw new InvalidOperationException($"unknown phase {phase}");
        }
    }

    private async Task EndAsync(ConsolidationStatus status, string? error, bool report = true)
    {
        State.Status = status;
        State.Error = error;
        State.FinishedAt = TimeProvider.GetUtcNow();
        if (status != ConsolidationStatus.Completed)
        {
            State.AvgScore = 0; // a failed or timed-out consolidation scores 0
        }

        UnregisterReminder(TimeoutReminder);
        GrainsTelemetry.Consolidations.Add(1, new KeyValuePair<string, object?>("status", status.ToString()));
        var view = View();
        GrainsLog.ConsolidationEnded(_logger, status == ConsolidationStatus.Completed ? LogLevel.Debug : LogLevel.Information, GrainKey, status, view.DurationMs);
        if (report)
        {
            await GrainFactory.GetGrain<IExecutionGrain>(GrainKey).ConsolidationFinishedAsync(view);
        }

        Publish();
        DeactivateOnIdle();
        await WriteStateAsync();
    }

    private ConsolidationView View() => new()
    {
        ExecutionId = GrainKey,
        Status = State.Status,
        ConsolidatedSessionId = State.ConsolidatedSessionId,
        ConsolidatedContent = State.ConsolidatedContent,
        OriginalSessionIds = State.Command?.Sessions.Select(s => s.SessionId).ToArray() ?? [],
        AvgScore = State.AvgScore,
        SuccessRate = State.SuccessRate,
        TotalTools = State.TotalTools,
        ExecutionDurationMs = State.Command?.ExecutionDurationMs ?? 0,
        PhasesCompleted = State.PhasesCompleted.ToArray(), // one array, kept with the row: no list around it
        PhaseDurationsMs = new Dictionary<string, double>(State.PhaseDurationsMs),
        DurationMs = State.StartedAt is { } s ? ((State.FinishedAt ?? TimeProvider.GetUtcNow()) - s).TotalMilliseconds : 0,
        Error = State.Error,
        StartedAt = State.StartedAt,
        FinishedAt = State.FinishedAt,
    };

    private void Publish() => Project(new ConsolidatedSessionRow
    {
        ExecutionId = GrainKey,
        ConsolidatedSessionId = State.ConsolidatedSessionId ?? $"consolidated-{GrainKey}",
        Status = Naming.Snake(State.Status),
        ConsolidatedContent = State.ConsolidatedContent ?? string.Empty,
        OriginalSessionIds = State.Command?.Sessions.Select(s => s.SessionId).ToArray() ?? [],
        AvgScore = State.AvgScore,
        TotalTools = State.TotalTools,
        SuccessRate = State.SuccessRate,
        ExecutionDurationMs = State.Command?.ExecutionDurationMs ?? 0,
        PhasesCompleted = State.PhasesCompleted.ToArray(), // one array, kept with the row: no list around it
        Error = State.Error,
        UpdatedAt = TimeProvider.GetUtcNow(),
    });
}

/// <summary>The consolidation's own follow-up message: runs the phases after the timeout reminder is committed.</summary>
[GrainType("consolidation")]
[PartitionWith(typeof(IExecutionGrain))]
public interface IConsolidationRunner : IGrain
{
    Task RunPhasesAsync();
}
