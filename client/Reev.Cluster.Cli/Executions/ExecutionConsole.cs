using System.Globalization;
using Reev.Cluster.GrainInterfaces;
using Spectre.Console;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// The human output of an execution: one line per event while it runs (steps, tool calls as they are reported,
/// retries, recovery), then tables of steps, scores and accounts, and the consolidation.
/// </summary>
internal sealed class ExecutionConsole(IAnsiConsole console)
{
    private readonly bool _unicode = console.Profile.Capabilities.Unicode;

    public void Header(string title, ExecutionRequest request, string executionId)
    {
        ArgumentNullException.ThrowIfNull(request);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{Markup.Escape(title)}[/] [grey]{Markup.Escape(request.Document.Id)} · {request.Document.StepCount} step(s) · agent {Markup.Escape(request.Agent)} · {request.AtomicMode.ToString().ToLowerInvariant()} · seed {request.Seed}[/]"));
        console.MarkupLine($"[grey]execution {Markup.Escape(executionId)}[/]");
    }

    /// <summary>A one-line status for the spinner while the execution runs.</summary>
    public static string StatusOf(ExecutionEvent executionEvent)
    {
        ArgumentNullException.ThrowIfNull(executionEvent);
        return executionEvent.Type switch
        {
            "step_started" or "tool_called" or "step_retrying" => $"step {executionEvent.Step}: running",
            "flow_finished" => "consolidating",
            _ => "running",
        };
    }

    public void Event(ExecutionEvent executionEvent)
    {
        ArgumentNullException.ThrowIfNull(executionEvent);
        var message = Markup.Escape(executionEvent.Message);
        var line = executionEvent.Type switch
        {
            "step_started" => $"[bold]{Symbol("▶", ">")}[/] {message}",
            "tool_called" when executionEvent.Data?.GetValueOrDefault("success") == "true" => $"   [green]{Symbol("⚙", "*")}[/] {message}",
            "tool_called" => $"   [red]{Symbol("⚙", "*")}[/] {message}",
            "step_finished" => $"   [green]{Symbol("✔", "+")}[/] {message}",
            "step_failed" => $"   [red]{Symbol("✘", "x")}[/] {message}",
            "step_retrying" or "recovery" or "awaiting_user" or "answered" or "answer_timed_out" => $"   [yellow]{Symbol("↻", "~")}[/] {message}",
            "flow_stopping" or "refused" or "cancelled" => $"[yellow]{Symbol("■", "!")}[/] {message}",
            "flow_finished" => $"[bold]{Symbol("■", "=")}[/] {message}",
            "consolidation_finished" => $"[grey]{Symbol("…", "..")} {message}[/]",
            "final" => $"[grey]{message}[/]",
            _ => $"[grey]{message}[/]",
        };
        console.MarkupLine(line);
    }

    public void Summary(ExecutionView view, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(view);
        console.WriteLine();
        console.Write(StepsTable(view));
        if (view.Score is { } score)
        {
            console.Write(ScoresTable(score, view.Passed));
        }

        if (view.Accounts.Count > 0)
        {
            console.Write(AccountsTable(view.Accounts));
        }

        if (view.Consolidation is { } consolidation)
        {
            var status = consolidation.Status.ToString().ToLowerInvariant();
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"consolidation [bold]{status}[/]: session {Markup.Escape(consolidation.ConsolidatedSessionId ?? "-")}, avg score {consolidation.AvgScore:0.###}, success rate {consolidation.SuccessRate:0.###}, {consolidation.TotalTools} tool call(s), phases {Markup.Escape(string.Join(", ", consolidation.PhasesCompleted))}")
                + (consolidation.Error is null ? string.Empty : $" [red]{Markup.Escape(consolidation.Error)}[/]"));
        }

        if (view.Error is not null)
        {
            console.MarkupLine($"[red]error:[/] {Markup.Escape(view.Error)}");
        }

        var verdict = view.Status == ExecutionStatus.Cancelled
            ? $"[yellow]CANCELLED[/] by {Markup.Escape(view.CancelledBy ?? "?")}" + (interrupted ? " (interrupted)" : string.Empty)
            : view.Passed ? "[green]PASSED[/]" : "[red]FAILED[/]";
        console.MarkupLine($"{verdict} · status {view.Status.ToString().ToLowerInvariant()} · execution {Markup.Escape(view.ExecutionId)}");
    }

    private static Table StepsTable(ExecutionView view)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("steps");
        table.AddColumns("#", "step", "status", "tools", "attempts", "score", "error");
        foreach (var step in view.Steps)
        {
            var status = step.Status switch
            {
                StepRunStatus.Succeeded => "[green]succeeded[/]",
                StepRunStatus.Recovered => $"[green]recovered[/] ({step.Alternate.ToString().ToLowerInvariant()})",
                StepRunStatus.Failed => "[red]failed[/]",
                StepRunStatus.Skipped => "[grey]skipped[/]",
                StepRunStatus.Cancelled => "[yellow]cancelled[/]",
                _ => step.Status.ToString().ToLowerInvariant(),
            };
            table.AddRow(
                step.Index.ToString(CultureInfo.InvariantCulture) + (step.Critical ? "*" : string.Empty),
                Markup.Escape(step.Description),
                status,
                Markup.Escape(string.Join(", ", step.Tools)),
                step.Attempts.ToString(CultureInfo.InvariantCulture),
                step.Score is { } s ? s.ToString("0.###", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(step.Error ?? string.Empty));
        }

        table.Caption("* critical");
        return table;
    }

    private static Table ScoresTable(FlowScores score, bool passed)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("score");
        table.AddColumns("instruction", "on-chain", "assertion", "final", "flow", "threshold", "passed");
        table.AddRow(
            F(score.Instruction), F(score.OnChain), F(score.Assertion), F(score.Final), F(score.FlowScore), F(score.PassThreshold),
            passed ? "[green]yes[/]" : "[red]no[/]");
        return table;

        static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
    }

    private static Table AccountsTable(IReadOnlyList<AccountView> accounts)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("accounts");
        table.AddColumns("placeholder", "address", "lamports (before -> after)", "token amount (before -> after)");
        foreach (var account in accounts)
        {
            table.AddRow(
                Markup.Escape(account.Placeholder),
                Markup.Escape(account.Address),
                string.Create(CultureInfo.InvariantCulture, $"{account.InitialLamports} -> {account.Lamports}"),
                account.Mint is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"{account.InitialAmount ?? 0} -> {account.Amount ?? 0}"));
        }

        return table;
    }

    private string Symbol(string unicode, string ascii) => _unicode ? unicode : ascii;
}
