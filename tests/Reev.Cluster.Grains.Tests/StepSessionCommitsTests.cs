using Npgsql;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Grains.ReadModels;
using Reev.Cluster.Runtime;
using Reev.Cluster.Runtime.InMemory;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>
/// A step session's row is replaced at each write; its commit count is what lets a load run see a turn committed twice
/// (what <c>reev load</c> reports as a duplicate step).
/// </summary>
public sealed class StepSessionCommitsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task A_session_written_by_a_second_commit_of_the_same_revision_has_more_commits_than_revisions(Provider provider)
    {
        await using var host = await GrainHost.StartAsync(provider, output, grains: r => r.Add<ISessionReplayGrain, SessionReplayGrain>());
        var view = await host.RunAsync(Flows.Request(Reev.Cluster.Flows.FlowFiles.SyntheticFlows.BalanceChecks(2, "commits")) with { Agent = "noop" });
        Assert.Equal(ExecutionStatus.Completed, view.Status);

        var before = await ReadAsync(host, view.ExecutionId);
        Assert.Equal(2, before.Count);
        Assert.All(before, s => Assert.True(s.Revision > 0 && s.Commits == s.Revision, $"{s.SessionId}: revision {s.Revision}, commits {s.Commits}"));

        // What a turn committed twice would leave: the same publication written again by another commit.
        var replayed = before[0];
        await host.Client.GetGrain<ISessionReplayGrain>("replay").Replay(replayed.Row with { UpdatedAt = replayed.Row.UpdatedAt.AddSeconds(1) });
        await Reev.Cluster.TestKit.Eventually.HoldsAsync(
            async () => (await ReadAsync(host, view.ExecutionId)).Single(s => s.SessionId == replayed.SessionId).Commits == replayed.Revision + 1,
            TimeSpan.FromSeconds(30),
            "the replayed write is counted");
        var after = await ReadAsync(host, view.ExecutionId);
        Assert.Equal(replayed.Revision, after.Single(s => s.SessionId == replayed.SessionId).Revision);
        Assert.Equal(after.Single(s => s.SessionId == before[1].SessionId).Revision, after.Single(s => s.SessionId == before[1].SessionId).Commits);
    }

    private static async Task<List<(string SessionId, int Revision, int Commits, StepSessionRow Row)>> ReadAsync(GrainHost host, string executionId)
    {
        if (host.Memory is { } memory)
        {
            return memory.ReadRows<StepSessionRow>(StepSessionRow.TableName)
                .Where(r => r.ExecutionId == executionId)
                .OrderBy(r => r.StepIndex)
                .Select(r => (r.SessionId, r.Revision, memory.RowWrites(StepSessionRow.TableName, r.SessionId), r))
                .ToList();
        }

        await using var connection = new NpgsqlConnection(host.Database!.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT session_id, execution_id, step_index, alternate, attempt, status, tool_count, score, duration_ms, prompt, updated_at, revision, commits
            FROM reev_step_sessions WHERE execution_id = @id ORDER BY step_index
            """, connection);
        cmd.Parameters.AddWithValue("id", executionId);
        var list = new List<(string, int, int, StepSessionRow)>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new StepSessionRow
            {
                SessionId = reader.GetString(0),
                ExecutionId = reader.GetString(1),
                StepIndex = reader.GetInt32(2),
                Alternate = reader.GetString(3),
                Attempt = reader.GetInt32(4),
                Status = reader.GetString(5),
                ToolCount = reader.GetInt32(6),
                Score = reader.GetDouble(7),
                DurationMs = reader.GetDouble(8),
                Prompt = reader.GetString(9),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(10),
                Revision = reader.GetInt32(11),
            };
            list.Add((row.SessionId, row.Revision, reader.GetInt32(12), row));
        }

        return list;
    }
}

/// <summary>Writes a step session's row again, as a second commit of the same turn would.</summary>
public interface ISessionReplayGrain : IGrain
{
    Task Replay(StepSessionRow row);
}

public sealed class SessionReplayGrain : Grain<SessionReplayState>, ISessionReplayGrain
{
    public Task Replay(StepSessionRow row)
    {
        State.Replays++;
        Project(row);
        return WriteStateAsync();
    }
}

public sealed class SessionReplayState
{
    public int Replays { get; set; }
}
