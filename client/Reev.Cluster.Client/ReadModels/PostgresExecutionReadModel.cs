using System.Data.Common;
using Npgsql;

namespace Reev.Cluster.Client.ReadModels;

/// <summary>
/// The read models of a PostgreSQL cluster (tables <c>reev_executions</c>, <c>reev_step_sessions</c>,
/// <c>reev_consolidated_sessions</c>, grains migration 100) queried with plain SQL on their indexes.
/// </summary>
public sealed class PostgresExecutionReadModel : IExecutionReadModel
{
    private const string ExecutionColumns =
        "execution_id, flow_id, source, agent, atomic_mode, status, score, instruction_score, onchain_score, assertion_score, passed, error, created_at, updated_at, finished_at, version";

    private const string StepColumns =
        "session_id, execution_id, step_index, alternate, attempt, status, tool_count, score, duration_ms, prompt, error, updated_at, revision, commits";

    private const string ConsolidatedColumns =
        "execution_id, consolidated_session_id, status, consolidated_content, original_session_ids, avg_score, total_tools, success_rate, execution_duration_ms, phases_completed, error, updated_at";

    private readonly NpgsqlDataSource _dataSource;

    public PostgresExecutionReadModel(NpgsqlDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
    }

    public async Task<ExecutionPage> ListExecutionsAsync(ExecutionListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, ExecutionListQuery.MaxLimit);
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT {ExecutionColumns} FROM reev_executions
            WHERE ($1::text IS NULL OR status = $1)
              AND ($2::text IS NULL OR flow_id = $2)
              AND ($3::timestamptz IS NULL OR (created_at, execution_id) < ($3, $4))
            ORDER BY created_at DESC, execution_id DESC
            LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = query.Status, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = query.FlowId, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = query.After is { } a ? a.CreatedAt.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.After?.ExecutionId ?? string.Empty, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit + 1 });
        var rows = new List<ExecutionSummary>(limit + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(ReadExecution(reader));
            }
        }

        return rows.Count > limit ? new ExecutionPage(rows[..limit], rows[limit - 1].Keyset) : new ExecutionPage(rows, null);
    }

    public Task<ExecutionSummary?> GetExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {ExecutionColumns} FROM reev_executions WHERE execution_id = $1", executionId, ReadExecution, cancellationToken);

    public async Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> executionIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executionIds);
        var versions = new Dictionary<string, long>(executionIds.Count, StringComparer.Ordinal);
        if (executionIds.Count == 0)
        {
            return versions;
        }

        await using var command = _dataSource.CreateCommand("SELECT execution_id, version FROM reev_executions WHERE execution_id = ANY($1)");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. executionIds] });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    public async Task<IReadOnlyList<StepSessionSummary>> ListStepSessionsAsync(string executionId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {StepColumns} FROM reev_step_sessions WHERE execution_id = $1 ORDER BY step_index, session_id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = executionId });
        var rows = new List<StepSessionSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(ReadStep(reader));
        }

        return rows;
    }

    public Task<StepSessionSummary?> GetStepSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {StepColumns} FROM reev_step_sessions WHERE session_id = $1", sessionId, ReadStep, cancellationToken);

    public Task<ConsolidatedSessionSummary?> GetConsolidatedByExecutionAsync(string executionId, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {ConsolidatedColumns} FROM reev_consolidated_sessions WHERE execution_id = $1", executionId, ReadConsolidated, cancellationToken);

    public Task<ConsolidatedSessionSummary?> GetConsolidatedBySessionIdAsync(string consolidatedSessionId, CancellationToken cancellationToken) =>
        SingleAsync($"SELECT {ConsolidatedColumns} FROM reev_consolidated_sessions WHERE consolidated_session_id = $1", consolidatedSessionId, ReadConsolidated, cancellationToken);

    private async Task<T?> SingleAsync<T>(string sql, string key, Func<DbDataReader, T> read, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? read(reader) : null;
    }

    private static ExecutionSummary ReadExecution(DbDataReader r) => new()
    {
        ExecutionId = r.GetString(0),
        FlowId = r.GetString(1),
        Source = r.GetString(2),
        Agent = r.GetString(3),
        AtomicMode = r.GetString(4),
        Status = r.GetString(5),
        Score = NullableDouble(r, 6),
        InstructionScore = NullableDouble(r, 7),
        OnChainScore = NullableDouble(r, 8),
        AssertionScore = NullableDouble(r, 9),
        Passed = r.IsDBNull(10) ? null : r.GetBoolean(10),
        Error = r.IsDBNull(11) ? null : r.GetString(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(13),
        FinishedAt = r.IsDBNull(14) ? null : r.GetFieldValue<DateTimeOffset>(14),
        Version = r.GetInt64(15),
    };

    private static StepSessionSummary ReadStep(DbDataReader r) => new()
    {
        SessionId = r.GetString(0),
        ExecutionId = r.GetString(1),
        StepIndex = r.GetInt32(2),
        Alternate = StepSessionSummary.Normalize(r.GetString(3)),
        Attempt = r.GetInt32(4),
        Status = StepSessionSummary.Normalize(r.GetString(5)),
        ToolCount = r.GetInt32(6),
        Score = r.GetDouble(7),
        DurationMs = r.GetDouble(8),
        Prompt = r.GetString(9),
        Error = r.IsDBNull(10) ? null : r.GetString(10),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(11),
        Revision = r.GetInt32(12),
        Commits = r.GetInt32(13),
    };

    private static ConsolidatedSessionSummary ReadConsolidated(DbDataReader r) => new()
    {
        ExecutionId = r.GetString(0),
        ConsolidatedSessionId = r.GetString(1),
        Status = r.GetString(2),
        ConsolidatedContent = r.GetString(3),
        OriginalSessionIds = r.GetFieldValue<string[]>(4),
        AvgScore = r.GetDouble(5),
        TotalTools = r.GetInt32(6),
        SuccessRate = r.GetDouble(7),
        ExecutionDurationMs = r.GetDouble(8),
        PhasesCompleted = r.GetFieldValue<string[]>(9),
        Error = r.IsDBNull(10) ? null : r.GetString(10),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(11),
    };

    private static double? NullableDouble(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetDouble(ordinal);
}
