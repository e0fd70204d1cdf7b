using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime.InMemory;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>The read models of the embedded in-memory provider, queried like the PostgreSQL tables (same order, same keyset).</summary>
internal sealed class InMemoryExecutionReadModel(InMemoryClusterProvider provider) : IExecutionReadModel
{
    public Task<ExecutionPage> ListExecutionsAsync(ExecutionListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, ExecutionListQuery.MaxLimit);
        var rows = provider.ReadRows<ExecutionRow>(ExecutionRow.TableName)
            .Select(ToSummary)
            .Where(r => (query.Status is null || r.Status == query.Status) && (query.FlowId is null || r.FlowId == query.FlowId))
            .Where(r => query.After is not { } after || after.Precedes(r))
            .OrderByDescending(static r => r.CreatedAt.UtcTicks)
            .ThenByDescending(static r => r.ExecutionId, StringComparer.Ordinal)
            .Take(limit + 1)
            .ToList();
        return Task.FromResult(rows.Count > limit ? new ExecutionPage(rows[..limit], rows[limit - 1].Keyset) : new ExecutionPage(rows, null));
    }

    public Task<ExecutionSummary?> GetExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        Task.FromResult(provider.ReadRow<ExecutionRow>(ExecutionRow.TableName, executionId) is { } row ? ToSummary(row) : null);

    public Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> executionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executionIds);
        var versions = new Dictionary<string, long>(executionIds.Count, StringComparer.Ordinal);
        foreach (var id in executionIds)
        {
            if (provider.ReadRow<ExecutionRow>(ExecutionRow.TableName, id) is { } row)
            {
                versions[id] = row.Version;
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, long>>(versions);
    }

    public Task<IReadOnlyList<StepSessionSummary>> ListStepSessionsAsync(string executionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StepSessionSummary>>(provider.ReadRows<StepSessionRow>(StepSessionRow.TableName)
            .Where(r => r.ExecutionId == executionId)
            .OrderBy(static r => r.StepIndex)
            .ThenBy(static r => r.SessionId, StringComparer.Ordinal)
            .Select(ToStepSummary)
            .ToList());

    public Task<StepSessionSummary?> GetStepSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult(provider.ReadRow<StepSessionRow>(StepSessionRow.TableName, sessionId) is { } row ? ToStepSummary(row) : null);

    public Task<ConsolidatedSessionSummary?> GetConsolidatedByExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        Task.FromResult(provider.ReadRow<ConsolidatedSessionRow>(ConsolidatedSessionRow.TableName, executionId) is { } row ? ToSummary(row) : null);

    public Task<ConsolidatedSessionSummary?> GetConsolidatedBySessionIdAsync(string consolidatedSessionId, CancellationToken cancellationToken) =>
        Task.FromResult(provider.ReadRows<ConsolidatedSessionRow>(ConsolidatedSessionRow.TableName)
            .Where(r => r.ConsolidatedSessionId == consolidatedSessionId)
            .Select(ToSummary)
            .FirstOrDefault());

    private static ExecutionSummary ToSummary(ExecutionRow r) => new()
    {
        ExecutionId = r.ExecutionId,
        FlowId = r.FlowId,
        Source = r.Source,
        Agent = r.Agent,
        AtomicMode = r.AtomicMode,
        Status = r.Status,
        Score = r.Score,
        InstructionScore = r.InstructionScore,
        OnChainScore = r.OnChainScore,
        AssertionScore = r.AssertionScore,
        Passed = r.Passed,
        Error = r.Error,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
        FinishedAt = r.FinishedAt,
        Version = r.Version,
    };

    private StepSessionSummary ToStepSummary(StepSessionRow r) => new()
    {
        Revision = r.Revision,
        Commits = provider.RowWrites(StepSessionRow.TableName, r.SessionId),
        SessionId = r.SessionId,
        ExecutionId = r.ExecutionId,
        StepIndex = r.StepIndex,
        Alternate = StepSessionSummary.Normalize(r.Alternate),
        Attempt = r.Attempt,
        Status = StepSessionSummary.Normalize(r.Status),
        ToolCount = r.ToolCount,
        Score = r.Score,
        DurationMs = r.DurationMs,
        Prompt = r.Prompt,
        Error = r.Error,
        UpdatedAt = r.UpdatedAt,
    };

    private static ConsolidatedSessionSummary ToSummary(ConsolidatedSessionRow r) => new()
    {
        ExecutionId = r.ExecutionId,
        ConsolidatedSessionId = r.ConsolidatedSessionId,
        Status = r.Status,
        ConsolidatedContent = r.ConsolidatedContent,
        OriginalSessionIds = r.OriginalSessionIds,
        AvgScore = r.AvgScore,
        TotalTools = r.TotalTools,
        SuccessRate = r.SuccessRate,
        ExecutionDurationMs = r.ExecutionDurationMs,
        PhasesCompleted = r.PhasesCompleted,
        Error = r.Error,
        UpdatedAt = r.UpdatedAt,
    };
}
