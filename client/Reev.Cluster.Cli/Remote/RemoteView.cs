using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// An execution read from the gateway as the <see cref="ExecutionView"/> the local commands print, so that remote and
/// local runs share their tables, JSON and exit codes.
/// </summary>
internal static class RemoteView
{
    public static ExecutionView From(GatewayExecution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        return new ExecutionView
        {
            ExecutionId = execution.ExecutionId,
            FlowId = execution.BenchmarkId,
            Status = execution.Status,
            Source = execution.Source,
            Agent = execution.Agent,
            AtomicMode = execution.AtomicMode,
            Seed = execution.Seed,
            Passed = execution.Passed,
            Score = execution.Score,
            Steps = execution.Steps,
            Accounts = execution.Accounts,
            RecoveryActions = execution.RecoveryActions,
            Consolidation = execution.Consolidation,
            Question = execution.Question,
            Error = execution.ErrorMessage,
            CancelledBy = execution.CancelledBy,
            CancelReason = execution.CancelReason,
            CreatedAt = execution.CreatedAt,
            UpdatedAt = execution.UpdatedAt,
            FinishedAt = execution.FinishedAt,
            Version = execution.Version,
            EventCount = execution.EventCount,
        };
    }

    public static ExecutionEvent From(GatewayEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new ExecutionEvent(e.Sequence, e.Type, e.At, e.Step, e.Message, e.Data);
    }
}
