using System.CommandLine;
using System.Globalization;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// <c>reev executions [--status s] [--benchmark id] [--limit n] --gateway URL [--json]</c>: the newest executions of a
/// running cluster as a table, or a JSON array.
/// </summary>
internal static class ExecutionsCommand
{
    private static readonly string[] Header = ["EXECUTION", "FLOW", "STATUS", "AGENT", "SCORE", "PASSED", "CREATED (UTC)", "FINISHED (UTC)"];

    public static Command Create(ReevCommandLine cli)
    {
        var status = new Option<string?>("--status") { Description = "Only executions in this state (queued, running, awaiting_user, consolidating, completed, failed, cancelled).", HelpName = "status" };
        var benchmark = new Option<string?>("--benchmark") { Description = "Only executions of this flow (benchmark id).", HelpName = "id" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first (1-500).", DefaultValueFactory = static _ => 50 };
        var command = new Command("executions", "List the executions of a running cluster, newest first (needs --gateway).") { status, benchmark, limit };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            var context = owned.Context;
            return await RemoteCommand.RunAsync(context, async connection =>
            {
                var page = await connection.Client.ListExecutionsAsync(parse.GetValue(status), parse.GetValue(benchmark), parse.GetValue(limit), null, cancellationToken).ConfigureAwait(false);
                if (page.Value is not { } list)
                {
                    return context.Fail(RemoteErrors.FromProblem(page.Problem!, connection, "executions"));
                }

                if (context.Json)
                {
                    CliJson.WriteArray(context.Output, w =>
                    {
                        foreach (var item in list.Items)
                        {
                            w.WriteStartObject();
                            w.WriteString("execution_id", item.ExecutionId);
                            w.WriteString("flow_id", item.FlowId);
                            w.WriteString("status", item.Status);
                            w.WriteString("agent", item.Agent);
                            w.WriteScore("score", item.Score);
                            w.WriteBooleanOrNull("passed", item.Passed);
                            w.WriteString("created_at", item.CreatedAt);
                            w.WriteStringOrNull("finished_at", item.FinishedAt);

                            w.WriteEndObject();
                        }
                    });
                    return ExitCodes.Passed;
                }

                // Plain aligned columns, not a box table: ids stay whole at any width and the lines stay greppable.
                var rows = new List<string[]> { Header };
                rows.AddRange(list.Items.Select(static item => new[]
                {
                    item.ExecutionId,
                    item.FlowId,
                    item.Status,
                    item.Agent,
                    item.Score is { } score ? score.ToString("0.###", CultureInfo.InvariantCulture) : "-",
                    item.Passed is { } passed ? (passed ? "yes" : "no") : "-",
                    item.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    item.FinishedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-",
                }));
                var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
                foreach (var row in rows)
                {
                    context.Output.WriteLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
                }

                context.Output.WriteLine(list.NextCursor is null
                    ? $"{list.Items.Count} execution(s)"
                    : $"{list.Items.Count} execution(s) shown; more match (raise --limit, up to 500, or narrow with --status / --benchmark)");
                return ExitCodes.Passed;
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
