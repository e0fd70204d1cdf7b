using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Grains.Executions;

public sealed partial class ExecutionGrain
{
    /// <summary>A user strategy chose the failed step's first alternate: the recovery actions name it, then recovery goes on as usual.</summary>
    public async Task StrategyMatchedAsync(StrategyMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        var step = State.Steps.ElementAtOrDefault(match.Step - 1);
        if (step is null || IsFinal || step.PendingAlternates is not null || step.Status is not (StepRunStatus.Running or StepRunStatus.WaitingRetry))
        {
            return;
        }

        State.Actions.Add(new RecoveryAction(step.Index, "alternate_flow", $"strategy {match.StrategyId} chose {match.Alternate} for {step.ErrorKind}", null, TimeProvider.GetUtcNow())
        {
            RuleId = match.StrategyId,
        });
        Emit("recovery", step.Index, $"strategy {match.StrategyId} chose {match.Alternate}", EventData.Of(("rule_id", match.StrategyId), ("alternate", Naming.Name(match.Alternate))));
        await AlternatesChosenAsync(match.Step, match.Order);
    }
}
