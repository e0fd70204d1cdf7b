using Npgsql;
using Reev.Cluster.Client.ReadModels;
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

        // Read back through the product's read model, as the gateway reads them.
        await using var dataSource = NpgsqlDataSource.Create(host.Database!.ConnectionString);
        var readModel = new PostgresExecutionReadModel(dataSource);
        foreach (var expected in rows.Skip(1))
        {
            var actual = await readModel.GetConsolidatedByExecutionAsync(expected.ExecutionId, default);
            Assert.NotNull(actual);
            Assert.Equal(
                (expected.ConsolidatedSessionId, expected.Status, expected.ConsolidatedContent, expected.AvgScore, expected.TotalTools,
                    expected.SuccessRate, expected.ExecutionDurationMs, expected.Error, expected.UpdatedAt),
                (actual.ConsolidatedSessionId, actual.Status, actual.ConsolidatedContent, actual.AvgScore, actual.TotalTools,
                    actual.SuccessRate, actual.ExecutionDurationMs, actual.Error, actual.UpdatedAt));
            Assert.Equal(expected.OriginalSessionIds, actual.OriginalSessionIds);
            Assert.Equal(expected.PhasesCompleted, actual.PhasesCompleted);
        }
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
