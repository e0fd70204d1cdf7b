using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Grains.Recovery;

/// <summary>
/// The cluster's recovery counters and playbook. Alternates are ordered by their observed success
/// rate for the error kind once the playbook holds <see cref="MinimumTries"/> tries of them; until
/// then the default order stands. A matching user strategy (<c>RecoveryGrain.Strategies.cs</c>) goes first.
/// </summary>
public sealed partial class RecoveryGrain : Grain<RecoveryState>, IRecoveryGrain
{
    internal const int MinimumTries = 3;

    public Task RecordAsync(RecoveryEvent recoveryEvent)
    {
        ArgumentNullException.ThrowIfNull(recoveryEvent);
        State.Attempts++;
        State.TotalTimeSpentMs += recoveryEvent.TimeSpentMs;
        if (recoveryEvent.Succeeded)
        {
            State.Successes++;
            State.RecoveriesByStrategy[recoveryEvent.Strategy] = State.RecoveriesByStrategy.GetValueOrDefault(recoveryEvent.Strategy) + 1;
        }
        else
        {
            State.Failures++;
            State.FailuresByStrategy[recoveryEvent.Strategy] = State.FailuresByStrategy.GetValueOrDefault(recoveryEvent.Strategy) + 1;
        }

        return WriteStateAsync();
    }

    public Task ChooseAlternatesAsync(AlternateQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var order = query.Candidates
            .Select((kind, index) => (kind, index, entry: State.Playbook.FirstOrDefault(p => p.ErrorKind == query.ErrorKind && p.Alternate == kind)))
            .OrderByDescending(c => c.entry is { Tries: >= MinimumTries } e ? e.SuccessRate : -1)
            .ThenBy(c => c.index)
            .Select(c => c.kind)
            .ToList();
        var execution = GrainFactory.GetGrain<IExecutionGrain>(query.ExecutionId);
        if (MatchStrategy(query) is not { } strategy)
        {
            return execution.AlternatesChosenAsync(query.Step, order);
        }

        // The user's alternate runs first, even one the playbook would not have offered for this error.
        order.Remove(strategy.Alternate);
        order.Insert(0, strategy.Alternate);
        StrategiesMatched.Add(1, new KeyValuePair<string, object?>("alternate", strategy.Alternate.ToString()));
        return execution.StrategyMatchedAsync(new StrategyMatch(query.Step, strategy.Id, strategy.Alternate, order));
    }

    public Task UpdatePlaybookAsync(PlaybookUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (var o in update.Observations)
        {
            var index = State.Playbook.FindIndex(p => p.ErrorKind == o.ErrorKind && p.Alternate == o.Alternate);
            var entry = index >= 0 ? State.Playbook[index] : new PlaybookEntry(o.ErrorKind, o.Alternate, 0, 0);
            entry = entry with { Tries = entry.Tries + 1, Successes = entry.Successes + (o.Succeeded ? 1 : 0) };
            if (index >= 0)
            {
                State.Playbook[index] = entry;
            }
            else
            {
                State.Playbook.Add(entry);
            }
        }

        return WriteStateAsync();
    }

    public Task<RecoveryMetrics> ReadMetricsAsync() => Task.FromResult(new RecoveryMetrics
    {
        Attempts = State.Attempts,
        Successes = State.Successes,
        Failures = State.Failures,
        RecoveriesByStrategy = new Dictionary<string, long>(State.RecoveriesByStrategy),
        FailuresByStrategy = new Dictionary<string, long>(State.FailuresByStrategy),
        TotalTimeSpentMs = State.TotalTimeSpentMs,
        Playbook = [.. State.Playbook],
    });
}
