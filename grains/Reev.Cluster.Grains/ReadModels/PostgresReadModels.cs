using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.Postgres;

namespace Reev.Cluster.Grains.ReadModels;

/// <summary>The read models' schema and writers for the PostgreSQL provider.</summary>
public static class PostgresReadModels
{
    public static IEnumerable<PostgresMigration> Migrations()
    {
        var assembly = typeof(PostgresReadModels).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var file = name[(name.IndexOf("Migrations.", StringComparison.Ordinal) + "Migrations.".Length)..];
            var version = int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            yield return new PostgresMigration(version, file, reader.ReadToEnd());
        }
    }

    /// <summary>Adds the read-model schema and writers to a provider.</summary>
    public static PostgresClusterProvider AddReevReadModels(this PostgresClusterProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return provider
            .AddMigrations(Migrations())
            .AddReadModelWriter(new ExecutionWriter())
            .AddReadModelWriter(new StepSessionWriter())
            .AddReadModelWriter(new ConsolidatedSessionWriter())
            .AddReadModelWriter(new ExecutionInputsWriter());
    }

    /// <summary>Keeps only the last row per key: a batch may carry several versions of one row.</summary>
    private static List<T> Latest<T>(IReadOnlyList<IReadModelRow> rows)
        where T : IReadModelRow =>
        rows.OfType<T>().Reverse().DistinctBy(r => r.Key).ToList();

    private sealed class ExecutionWriter : IPostgresReadModelWriter
    {
        public Type RowType => typeof(ExecutionRow);

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows)
        {
            var list = Latest<ExecutionRow>(rows);
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_executions AS e (execution_id, flow_id, source, agent, atomic_mode, status, score, instruction_score,
                    onchain_score, assertion_score, passed, error, created_at, updated_at, finished_at, version)
                SELECT * FROM unnest(@id, @flow, @source, @agent, @mode, @status, @score, @iscore, @oscore, @ascore, @passed, @error,
                    @created, @updated, @finished, @version)
                ON CONFLICT (execution_id) DO UPDATE SET flow_id = excluded.flow_id, source = excluded.source, agent = excluded.agent,
                    atomic_mode = excluded.atomic_mode, status = excluded.status, score = excluded.score,
                    instruction_score = excluded.instruction_score, onchain_score = excluded.onchain_score,
                    assertion_score = excluded.assertion_score, passed = excluded.passed, error = excluded.error,
                    updated_at = excluded.updated_at, finished_at = excluded.finished_at, version = excluded.version
                WHERE e.version <= excluded.version
                """);
            cmd.Parameters.AddWithValue("id", list.Select(r => r.ExecutionId).ToArray());
            cmd.Parameters.AddWithValue("flow", list.Select(r => r.FlowId).ToArray());
            cmd.Parameters.AddWithValue("source", list.Select(r => r.Source).ToArray());
            cmd.Parameters.AddWithValue("agent", list.Select(r => r.Agent).ToArray());
            cmd.Parameters.AddWithValue("mode", list.Select(r => r.AtomicMode).ToArray());
            cmd.Parameters.AddWithValue("status", list.Select(r => r.Status).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("score", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = list.Select(r => (object?)r.Score ?? DBNull.Value).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("iscore", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = list.Select(r => (object?)r.InstructionScore ?? DBNull.Value).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("oscore", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = list.Select(r => (object?)r.OnChainScore ?? DBNull.Value).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("ascore", NpgsqlDbType.Array | NpgsqlDbType.Double) { Value = list.Select(r => (object?)r.AssertionScore ?? DBNull.Value).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("passed", NpgsqlDbType.Array | NpgsqlDbType.Boolean) { Value = list.Select(r => (object?)r.Passed ?? DBNull.Value).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(r => (object?)r.Error ?? DBNull.Value).ToArray() });
            cmd.Parameters.AddWithValue("created", list.Select(r => r.CreatedAt).ToArray());
            cmd.Parameters.AddWithValue("updated", list.Select(r => r.UpdatedAt).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("finished", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = list.Select(r => (object?)r.FinishedAt ?? DBNull.Value).ToArray() });
            cmd.Parameters.AddWithValue("version", list.Select(r => r.Version).ToArray());
            batch.BatchCommands.Add(cmd);
        }
    }

    private sealed class ExecutionInputsWriter : IPostgresReadModelWriter
    {
        public Type RowType => typeof(ExecutionInputsRow);

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows)
        {
            var list = Latest<ExecutionInputsRow>(rows);
            // Written once: a turn that runs again (its first commit was in doubt) finds the row there and leaves it.
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_execution_inputs (execution_id, inputs)
                SELECT * FROM unnest(@id, @inputs)
                ON CONFLICT (execution_id) DO NOTHING
                """);
            cmd.Parameters.AddWithValue("id", list.Select(r => r.ExecutionId).ToArray());
            cmd.Parameters.AddWithValue("inputs", list.Select(r => JsonSerializer.Serialize(r.Inputs, Hosting.ReevGrains.SerializerOptions)).ToArray());
            batch.BatchCommands.Add(cmd);
        }
    }

    private sealed class StepSessionWriter : IPostgresReadModelWriter
    {
        public Type RowType => typeof(StepSessionRow);

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows)
        {
            var list = Latest<StepSessionRow>(rows);
            // Commits count every write of a row in this batch (one per turn), not only the last one kept.
            var writes = rows.OfType<StepSessionRow>().CountBy(r => r.Key).ToDictionary(StringComparer.Ordinal);
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_step_sessions AS s (session_id, execution_id, step_index, alternate, attempt, status, tool_count, score,
                    duration_ms, prompt, error, updated_at, revision, commits)
                SELECT * FROM unnest(@id, @exec, @idx, @alt, @attempt, @status, @tools, @score, @duration, @prompt, @error, @updated,
                    @revision, @commits)
                ON CONFLICT (session_id) DO UPDATE SET attempt = excluded.attempt, status = excluded.status, tool_count = excluded.tool_count,
                    score = excluded.score, duration_ms = excluded.duration_ms, prompt = excluded.prompt, error = excluded.error,
                    updated_at = excluded.updated_at, revision = excluded.revision, commits = s.commits + excluded.commits
                """);
            cmd.Parameters.AddWithValue("id", list.Select(r => r.SessionId).ToArray());
            cmd.Parameters.AddWithValue("exec", list.Select(r => r.ExecutionId).ToArray());
            cmd.Parameters.AddWithValue("idx", list.Select(r => r.StepIndex).ToArray());
            cmd.Parameters.AddWithValue("alt", list.Select(r => r.Alternate).ToArray());
            cmd.Parameters.AddWithValue("attempt", list.Select(r => r.Attempt).ToArray());
            cmd.Parameters.AddWithValue("status", list.Select(r => r.Status).ToArray());
            cmd.Parameters.AddWithValue("tools", list.Select(r => r.ToolCount).ToArray());
            cmd.Parameters.AddWithValue("score", list.Select(r => r.Score).ToArray());
            cmd.Parameters.AddWithValue("duration", list.Select(r => r.DurationMs).ToArray());
            cmd.Parameters.AddWithValue("prompt", list.Select(r => r.Prompt).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(r => (object?)r.Error ?? DBNull.Value).ToArray() });
            cmd.Parameters.AddWithValue("updated", list.Select(r => r.UpdatedAt).ToArray());
            cmd.Parameters.AddWithValue("revision", list.Select(r => r.Revision).ToArray());
            cmd.Parameters.AddWithValue("commits", list.Select(r => writes[r.Key]).ToArray());
            batch.BatchCommands.Add(cmd);
        }
    }

    private sealed class ConsolidatedSessionWriter : IPostgresReadModelWriter
    {
        public Type RowType => typeof(ConsolidatedSessionRow);

        /// <summary>
        /// One statement for all the batch's rows, as the other writers (a statement per row was two of every three
        /// statements PostgreSQL ran in the flow benchmark). The two text[] columns travel as one JSON array per row,
        /// since unnest cannot take arrays of arrays of different lengths.
        /// </summary>
        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows)
        {
            var list = Latest<ConsolidatedSessionRow>(rows);
            var cmd = new NpgsqlBatchCommand("""
                INSERT INTO reev_consolidated_sessions (execution_id, consolidated_session_id, status, consolidated_content,
                    original_session_ids, avg_score, total_tools, success_rate, execution_duration_ms, phases_completed, error, updated_at)
                SELECT x.exec, x.id, x.status, x.content, ARRAY(SELECT jsonb_array_elements_text(x.originals)), x.avg, x.tools, x.rate,
                    x.duration, ARRAY(SELECT jsonb_array_elements_text(x.phases)), x.error, x.updated
                FROM unnest(@exec, @id, @status, @content, @originals, @avg, @tools, @rate, @duration, @phases, @error, @updated)
                    AS x(exec, id, status, content, originals, avg, tools, rate, duration, phases, error, updated)
                ON CONFLICT (execution_id) DO UPDATE SET consolidated_session_id = excluded.consolidated_session_id,
                    status = excluded.status, consolidated_content = excluded.consolidated_content,
                    original_session_ids = excluded.original_session_ids, avg_score = excluded.avg_score,
                    total_tools = excluded.total_tools, success_rate = excluded.success_rate,
                    execution_duration_ms = excluded.execution_duration_ms, phases_completed = excluded.phases_completed,
                    error = excluded.error, updated_at = excluded.updated_at
                """);
            cmd.Parameters.AddWithValue("exec", list.Select(r => r.ExecutionId).ToArray());
            cmd.Parameters.AddWithValue("id", list.Select(r => r.ConsolidatedSessionId).ToArray());
            cmd.Parameters.AddWithValue("status", list.Select(r => r.Status).ToArray());
            cmd.Parameters.AddWithValue("content", list.Select(r => r.ConsolidatedContent).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("originals", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = list.Select(r => JsonSerializer.Serialize(r.OriginalSessionIds)).ToArray() });
            cmd.Parameters.AddWithValue("avg", list.Select(r => r.AvgScore).ToArray());
            cmd.Parameters.AddWithValue("tools", list.Select(r => r.TotalTools).ToArray());
            cmd.Parameters.AddWithValue("rate", list.Select(r => r.SuccessRate).ToArray());
            cmd.Parameters.AddWithValue("duration", list.Select(r => r.ExecutionDurationMs).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("phases", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = list.Select(r => JsonSerializer.Serialize(r.PhasesCompleted)).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = list.Select(r => (object?)r.Error ?? DBNull.Value).ToArray() });
            cmd.Parameters.AddWithValue("updated", list.Select(r => r.UpdatedAt).ToArray());
            batch.BatchCommands.Add(cmd);
        }
    }
}
