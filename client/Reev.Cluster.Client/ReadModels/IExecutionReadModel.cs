namespace Reev.Cluster.Client.ReadModels;

/// <summary>
/// Queries over the read models the grains write with their state (DESIGN R8): indexed tables in PostgreSQL,
/// rows in memory for the embedded provider. Nothing here asks a grain.
/// </summary>
public interface IExecutionReadModel
{
    /// <summary>Executions newest first (created_at, then execution id, both descending), filtered, after a keyset.</summary>
    Task<ExecutionPage> ListExecutionsAsync(ExecutionListQuery query, CancellationToken cancellationToken);

    /// <summary>One execution's row, or null.</summary>
    Task<ExecutionSummary?> GetExecutionAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>
    /// The versions of those executions that have a row (an execution's version grows with every state change it
    /// commits, in the same transaction as its row): one query for any number of ids, for watchers that only need to
    /// know what changed.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> executionIds, CancellationToken cancellationToken);

    /// <summary>The step sessions of an execution, by step index, then session id.</summary>
    Task<IReadOnlyList<StepSessionSummary>> ListStepSessionsAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>One step session's row, or null.</summary>
    Task<StepSessionSummary?> GetStepSessionAsync(string sessionId, CancellationToken cancellationToken);

    /// <summary>The consolidated session of an execution, or null.</summary>
    Task<ConsolidatedSessionSummary?> GetConsolidatedByExecutionAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>A consolidated session by its own id, or null.</summary>
    Task<ConsolidatedSessionSummary?> GetConsolidatedBySessionIdAsync(string consolidatedSessionId, CancellationToken cancellationToken);
}
