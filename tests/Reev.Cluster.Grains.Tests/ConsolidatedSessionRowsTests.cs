using Npgsql;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// The consolidated sessions' writer puts all the rows of a commit in one statement, their text[] columns carried as
/// JSON: rows of different array lengths (empty too), text that needs quoting, a null and a set error, and a row
/// written twice in one commit (the last write wins), all read back as written.
/// </summary>
public sealed class ConsolidatedSessionRowsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Rows_of_one_commit_are_written_in_one_statement_and_read_back_as_written()
    {
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, grains: r => r.Add<IConsolidatedRowsGrain, ConsolidatedRowsGrain>());
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        ConsolidatedSessionRow Row(string execution, IReadOnlyList<string> originals, IReadOnlyList<string> phases, string? error, string status = "completed") => new()
        {
            ExecutionId = execution,
            ConsolidatedSessionId = $"consolidated-{execution}",
            Status = status,
            ConsolidatedContent = $"content of {execution}: \"quoted\", {{braces}}, \\ and é",
            OriginalSessionIds = originals,
            AvgScore = 0.75,
            TotalTools = originals.Count,
            SuccessRate = 0.5,
            ExecutionDurationMs = 12.5,
            PhasesCompleted = phases,
            Error = error,
            UpdatedAt = at,
        };
        var rows = new[]
        {
            Row("rows-a", ["rows-a:1", "rows-a:2", "a \"quoted\", {odd} key", "é"], ["gather", "merge", "summarize", "playbook"], null, "running"),
            Row("rows-b", [], [], "summarize: timed out"),
            Row("rows-c", ["rows-c:1"], ["gather"], null),
            Row("rows-a", ["rows-a:1", "rows-a:2", "a \"quoted\", {odd} key", "é"], ["gather", "merge", "summarize", "playbook"], null),
        };

        Assert.Equal(1, await host.Client.GetGrain<IConsolidatedRowsGrain>("rows").Write(rows));

        var read = await ReadAsync(host.Database!.ConnectionString);
        Assert.Equal(["rows-a", "rows-b", "rows-c"], read.Select(r => r.ExecutionId));
        foreach (var expected in rows.Skip(1))
        {
            var actual = read.Single(r => r.ExecutionId == expected.ExecutionId);
            Assert.Equal(expected with { }, actual with { OriginalSessionIds = expected.OriginalSessionIds, PhasesCompleted = expected.PhasesCompleted });
            Assert.Equal(expected.OriginalSessionIds, actual.OriginalSessionIds);
            Assert.Equal(expected.PhasesCompleted, actual.PhasesCompleted);
        }
    }

    private static async Task<List<ConsolidatedSessionRow>> ReadAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT execution_id, consolidated_session_id, status, consolidated_content, original_session_ids, avg_score, total_tools,
                success_rate, execution_duration_ms, phases_completed, error, updated_at
            FROM reev_consolidated_sessions WHERE execution_id LIKE 'rows-%' ORDER BY execution_id
            """, connection);
        var list = new List<ConsolidatedSessionRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(new ConsolidatedSessionRow
            {
                ExecutionId = reader.GetString(0),
                ConsolidatedSessionId = reader.GetString(1),
                Status = reader.GetString(2),
                ConsolidatedContent = reader.GetString(3),
                OriginalSessionIds = reader.GetFieldValue<string[]>(4),
                AvgScore = reader.GetDouble(5),
                TotalTools = reader.GetInt32(6),
                SuccessRate = reader.GetDouble(7),
                ExecutionDurationMs = reader.GetDouble(8),
                PhasesCompleted = reader.GetFieldValue<string[]>(9),
                Error = reader.IsDBNull(10) ? null : reader.GetString(10),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(11),
            });
        }

        return list;
    }
}

public interface IConsolidatedRowsGrain : IGrain
{
    /// <summary>An ask: it returns once the turn, rows included, has committed.</summary>
    Task<int> Write(IReadOnlyList<ConsolidatedSessionRow> rows);
}

/// <summary>Projects the rows it is given in one turn, so that they reach the writer in one commit.</summary>
public sealed class ConsolidatedRowsGrain : Grain<ConsolidatedRowsState>, IConsolidatedRowsGrain
{
    public async Task<int> Write(IReadOnlyList<ConsolidatedSessionRow> rows)
    {
        foreach (var row in rows)
        {
            Project(row);
        }

        State.Writes++;
        await WriteStateAsync();
        return State.Writes;
    }
}

public sealed class ConsolidatedRowsState
{
    public int Writes { get; set; }
}
