using System.Diagnostics.Metrics;
using System.Globalization;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.Diagnostics;

namespace Reev.Cluster.Grains.Recovery;

/// <summary>
/// User alternate-flow strategies: a cluster-wide registry in the recovery grain's state (so it is durable and the same
/// on every silo), consulted by <see cref="ChooseAlternatesAsync"/> before the playbook's order.
/// </summary>
public sealed partial class RecoveryGrain
{
    /// <summary>The most strategies the registry holds (each failed step is matched against all of them).</summary>
    internal const int MaxStrategies = 200;

    private static readonly Counter<long> StrategiesMatched = GrainsTelemetry.Meter.CreateCounter<long>(
        "reev.cluster.recovery.strategies.matched", description: "User strategies that chose a failed step's alternate, by alternate");

    public async Task<RecoveryStrategyResult> AddStrategyAsync(RecoveryStrategyDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        // A key is the caller's own: another caller's same key is another request. The same key for another strategy is
        // refused, not answered with the first one as if it were what was asked.
        if (draft.RequestId is { } requestId && State.Strategies.Find(s => s.RequestId == requestId && s.CreatedBy == draft.CreatedBy) is { } earlier)
        {
            return SameStrategy(earlier, draft)
                ? RecoveryStrategyResult.Found(earlier)
                : RecoveryStrategyResult.Refused($"Idempotency-Key: this key registered strategy {earlier.Id}, which is another strategy; use a new key for a new request.");
        }

        var problems = draft.Validate();
        if (problems.Count > 0)
        {
            return RecoveryStrategyResult.Refused(problems[0]);
        }

        if (State.Strategies.Count >= MaxStrategies)
        {
            return RecoveryStrategyResult.Refused(
                string.Create(CultureInfo.InvariantCulture, $"strategies: the registry holds at most {MaxStrategies} strategies; delete one first."));
        }

        var strategy = new RecoveryStrategy
        {
            Id = "rs_" + Guid.NewGuid().ToString("N")[..16],
            ErrorPattern = draft.ErrorPattern,
            PatternKind = draft.PatternKind,
            Tool = draft.Tool,
            Alternate = draft.Alternate,
            Priority = draft.Priority,
            CreatedAt = TimeProvider.GetUtcNow(),
            CreatedBy = draft.CreatedBy,
            RequestId = draft.RequestId,
        };
        State.Strategies.Add(strategy);
        await WriteStateAsync();
        return RecoveryStrategyResult.Registered(strategy);
    }

    private static bool SameStrategy(RecoveryStrategy earlier, RecoveryStrategyDraft draft) =>
        earlier.ErrorPattern == draft.ErrorPattern && earlier.PatternKind == draft.PatternKind && earlier.Tool == draft.Tool
        && earlier.Alternate == draft.Alternate && earlier.Priority == draft.Priority;

    public Task<IReadOnlyList<RecoveryStrategy>> ListStrategiesAsync() =>
        Task.FromResult<IReadOnlyList<RecoveryStrategy>>([.. ConsultOrder()]);

    public async Task<bool> RemoveStrategyAsync(string strategyId)
    {
        if (State.Strategies.RemoveAll(s => s.Id == strategyId) == 0)
        {
            return false;
        }

        await WriteStateAsync();
        return true;
    }

    /// <summary>The first strategy, by priority then registration, whose pattern and tool match the failed step.</summary>
    private RecoveryStrategy? MatchStrategy(AlternateQuery query) =>
        ConsultOrder().FirstOrDefault(s => s.Matches(query.ErrorKind, query.Error, query.Tools));

    private IEnumerable<RecoveryStrategy> ConsultOrder() =>
        State.Strategies.OrderByDescending(static s => s.Priority).ThenBy(static s => s.CreatedAt);
}
