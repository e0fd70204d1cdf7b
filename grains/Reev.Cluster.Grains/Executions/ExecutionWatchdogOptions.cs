namespace Reev.Cluster.Grains.Executions;

/// <summary>
/// The execution's own deadline for what it waits for. Every step, recovery answer and consolidation reaches the
/// execution as a one-way message; if one of them is dead-lettered (or its grain's turn keeps failing), nothing else
/// would ever move the execution on. A periodic reminder, registered when the flow starts, checks that the current wait
/// has not outlasted its budget: twice a step's own bound (its timeout for every in-turn attempt plus its recovery time;
/// twice, because a step whose silo died runs again from the start elsewhere); the consolidation's timeout; and
/// <see cref="Margin"/> on top of each, for lease takeovers and queues under load.
/// </summary>
public sealed class ExecutionWatchdogOptions
{
    public static readonly ExecutionWatchdogOptions Default = new();

    /// <summary>Slack on top of every budget, and the reminder's period (default 30 s).</summary>
    public TimeSpan Margin { get; init; } = TimeSpan.FromSeconds(30);
}
