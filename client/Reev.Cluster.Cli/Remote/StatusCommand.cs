using System.CommandLine;
using System.Globalization;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Executions;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;
using Spectre.Console;

namespace Reev.Cluster.Cli.Remote;

/// <summary><c>reev status &lt;execution id&gt; --gateway URL [--json]</c>: an execution as it is now (exit 0 when found, whatever its state).</summary>
internal static class StatusCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var id = new Argument<string>("execution-id") { Description = "The execution to show." };
        var command = new Command("status", "Show an execution of a running cluster (needs --gateway): state, steps, scores.") { id };
        RemoteCommand.SetExecutionAction(command, cli, id, async call =>
        {
            var (context, connection, executionId, _, cancellationToken) = call;
            var read = await connection.Client.GetExecutionAsync(executionId, cancellationToken).ConfigureAwait(false);
            if (read.Value is not { } execution)
            {
                return call.Fail(read.Problem!);
            }

            if (context.Json)
            {
                ExecutionJson.Write(context.Output, RemoteView.From(execution), null);
            }
            else
            {
                Write(context.Console, execution);
            }

            return ExitCodes.Passed;
        });
        return command;
    }

    private static void Write(IAnsiConsole console, GatewayExecution e)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("execution").HideHeaders();
        table.AddColumns("field", "value");
        Row("execution", e.ExecutionId);
        Row("flow", e.BenchmarkId);
        Row("status", SnakeCase.Of(e.Status) + (e.IsFinal ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" ({e.Progress:P0} of steps ended)")));
        Row("passed", e.IsFinal ? (e.Passed ? "yes" : "no") : "-");
        Row("score", e.Score is { } score ? score.FlowScore.ToString("0.###", CultureInfo.InvariantCulture) + " / " + score.PassThreshold.ToString("0.###", CultureInfo.InvariantCulture) : "-");
        Row("source · agent · atomic", $"{SnakeCase.Of(e.Source)} · {e.Agent} · {SnakeCase.Of(e.AtomicMode)}");
        Row("created", e.CreatedAt.ToString("u", CultureInfo.InvariantCulture));
        Row("finished", e.FinishedAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-");
        Row("consolidation", e.Consolidation is { } c ? SnakeCase.Of(c.Status) : "-");
        if (e.Question is { } question)
        {
            Row("question", $"step {question.Step}: {question.Error}; answer with reev answer {e.ExecutionId} <{string.Join('|', question.Options.Select(static o => SnakeCase.Of(o)))}> (default {SnakeCase.Of(question.DefaultAnswer)} at {question.DeadlineAt:u})");
        }

        if (e.CancelledBy is not null)
        {
            Row("cancelled by", $"{e.CancelledBy}: {e.CancelReason}");
        }

        if (e.ErrorMessage is not null)
        {
            Row("error", e.ErrorMessage);
        }

        console.Write(table);
        var steps = new Table().Border(TableBorder.Rounded).Title("steps");
        steps.AddColumns("#", "step", "status", "tools", "attempts", "score", "error");
        foreach (var step in e.Steps)
        {
            steps.AddRow(
                step.Index.ToString(CultureInfo.InvariantCulture) + (step.Critical ? "*" : string.Empty),
                Markup.Escape(step.Description),
                SnakeCase.Of(step.Status) + (step.Alternate == AlternateKind.None ? string.Empty : $" ({SnakeCase.Of(step.Alternate)})"),
                Markup.Escape(string.Join(", ", step.Tools)),
                step.Attempts.ToString(CultureInfo.InvariantCulture),
                step.Score is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(step.Error ?? string.Empty));
        }

        console.Write(steps);

        void Row(string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));
    }
}
