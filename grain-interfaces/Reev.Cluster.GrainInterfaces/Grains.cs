using Reev.Cluster.Runtime;

namespace Reev.Cluster.GrainInterfaces;

/// <summary>
/// One execution of a flow (key: execution id). One-way methods are durable commands; asks are for
/// clients. The execution drives its steps through <see cref="IStepGrain"/>s and advances on their reports.
/// </summary>
[GrainType("execution")]
public interface IExecutionGrain : IGrain
{
    /// <summary>Accepts the flow; a second Start of the same execution is ignored.</summary>
    Task StartAsync(ExecutionRequest request);

    Task CancelAsync(CancelRequest request);

    /// <summary>Answers a question of an execution awaiting its user.</summary>
    /// <summary>Answers the pending question; <paramref name="question"/> (its <see cref="PendingQuestion.Sequence"/>, 0 for "the current one") binds the answer to the question it was meant for.</summary>
    Task AnswerAsync(FulfillmentAnswer answer, string by, long question);

    Task<ExecutionView?> ReadAsync();

    /// <summary>Events after <paramref name="afterSequence"/>, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<ExecutionEvent>> ReadEventsAsync(long afterSequence, int max);

    /// <summary>From a step grain: the step is over.</summary>
    Task StepFinishedAsync(StepReport report);

    /// <summary>From a step grain: a retry was scheduled.</summary>
    Task StepRetryingAsync(int index, int attempt, string message, int delayMs);

    /// <summary>From the recovery grain: the alternates to try for a failed step, best first.</summary>
    Task AlternatesChosenAsync(int stepIndex, IReadOnlyList<AlternateKind> order);

    /// <summary>From the recovery grain: a user strategy matched a failed step; records the strategy, then goes on as <see cref="AlternatesChosenAsync"/>.</summary>
    Task StrategyMatchedAsync(StrategyMatch match);

    /// <summary>From the consolidation grain: consolidation is over (whatever its outcome).</summary>
    Task ConsolidationFinishedAsync(ConsolidationView view);
}

/// <summary>One step (or alternate) of an execution (key: execution id + ":" + index [+ ":alt" + n]), placed with its execution.</summary>
[GrainType("step")]
[PartitionWith(typeof(IExecutionGrain), typeof(StepExecutionAnchor))]
public interface IStepGrain : IGrain
{
    Task RunAsync(StepCommand command);

    Task CancelAsync(string reason);

    Task<StepSession?> ReadAsync();
}

/// <summary>Merges an execution's sessions under a reminder-backed timeout (key: execution id), placed with its execution.</summary>
[GrainType("consolidation")]
[PartitionWith(typeof(IExecutionGrain))]
public interface IConsolidationGrain : IGrain
{
    Task ConsolidateAsync(ConsolidationCommand command);

    /// <summary>
    /// From the execution's watchdog: it gave up waiting and recorded the consolidation as timed out. A consolidation
    /// still open ends so (its reminder removed, no report); one not started yet never starts.
    /// </summary>
    Task CancelAsync(string reason);

    Task<ConsolidationView?> ReadAsync();
}

/// <summary>The cluster's recovery counters, playbook and user strategies (one grain, key <see cref="Key"/>).</summary>
[GrainType("recovery")]
public interface IRecoveryGrain : IGrain
{
    const string Key = "cluster";

    Task RecordAsync(RecoveryEvent recoveryEvent);

    Task ChooseAlternatesAsync(AlternateQuery query);

    Task UpdatePlaybookAsync(PlaybookUpdate update);

    Task<RecoveryMetrics> ReadMetricsAsync();

    /// <summary>Registers a user alternate-flow strategy (validated again here); a request id seen before returns its strategy.</summary>
    Task<RecoveryStrategyResult> AddStrategyAsync(RecoveryStrategyDraft draft);

    /// <summary>The registered strategies, in the order they are consulted.</summary>
    Task<IReadOnlyList<RecoveryStrategy>> ListStrategiesAsync();

    /// <summary>Removes a strategy; false when no strategy has this id.</summary>
    Task<bool> RemoveStrategyAsync(string strategyId);
}

/// <summary>Key helpers for step grains.</summary>
public static class StepKeys
{
    public static string For(string executionId, int index, int alternateNumber = 0) =>
        alternateNumber == 0 ? $"{executionId}:{index}" : $"{executionId}:{index}:alt{alternateNumber}";

    /// <summary>
    /// The execution id in a key built by <see cref="For"/>, read from the end (an execution id may hold ':'); a key of
    /// another shape is returned as it is (its grain is then placed with the execution of that same string).
    /// </summary>
    public static string ExecutionOf(string stepKey)
    {
        ArgumentNullException.ThrowIfNull(stepKey);
        var end = stepKey.Length;
        var last = stepKey.LastIndexOf(':');
        if (last > 0 && stepKey.AsSpan(last + 1).StartsWith("alt", StringComparison.Ordinal) && IsDigits(stepKey.AsSpan(last + 4)))
        {
            end = last;
            last = stepKey.LastIndexOf(':', end - 1);
        }

        return last > 0 && IsDigits(stepKey.AsSpan(last + 1, end - last - 1)) ? stepKey[..last] : stepKey;
    }

    private static bool IsDigits(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Places a step grain with its execution (<see cref="PartitionWithAttribute"/>): one flow's grains share a silo.</summary>
public sealed class StepExecutionAnchor : IPartitionAnchorKey
{
    public string AnchorOf(string key) => StepKeys.ExecutionOf(key);
}
