using System.Globalization;
using System.Text;
using System.Text.Json;
using Reev.Cluster.Gateway.Diagrams;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Logs;

/// <summary>A readable trace of an execution: an ASCII tree of steps, their attempts and tool calls, recovery and consolidation.</summary>
internal static class ExecutionTrace
{
    public static string Build(ExecutionView view, IReadOnlyList<SessionDetail> sessions)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(sessions);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"execution {view.ExecutionId} · {view.FlowId} · {Snake(view.Status)}");
        if (view.Score is { } score)
        {
            text.Append(CultureInfo.InvariantCulture, $" · score {score.FlowScore:0.###} (instruction {score.Instruction:0.###}, on-chain {score.OnChain:0.###}, assertions {score.Assertion:0.###})");
        }

        text.Append('\n');
        var children = new List<Action<string, bool>>();
        foreach (var detail in sessions)
        {
            children.Add((indent, last) => Session(text, detail, indent, last));
        }

        foreach (var action in view.RecoveryActions)
        {
            children.Add((indent, last) => Line(text, indent, last, $"recovery step {action.Step}: {action.Strategy} · {action.Detail}" + (action.Succeeded is { } ok ? ok ? " ✅" : " ❌" : string.Empty)));
        }

        if (view.Consolidation is { } c)
        {
            children.Add((indent, last) => Line(text, indent, last, $"consolidation {Snake(c.Status)}" + (c.PhasesCompleted.Count > 0 ? $" ({string.Join(", ", c.PhasesCompleted)})" : string.Empty) + (c.Error is null ? string.Empty : $": {c.Error}")));
        }

        for (var i = 0; i < children.Count; i++)
        {
            children[i](string.Empty, i == children.Count - 1);
        }

        return text.ToString();
    }

    private static void Session(StringBuilder text, SessionDetail detail, string indent, bool last)
    {
        var row = detail.Row;
        var name = detail.AlternateNumber == 0 ? $"step {row.StepIndex}" : $"step {row.StepIndex} alternate {detail.AlternateNumber} ({row.Alternate})";
        Line(text, indent, last, $"{name} · {row.Status} · {row.Attempt} attempt(s) · {row.DurationMs:0} ms" + (row.Error is null ? string.Empty : $" · {row.Error}"));
        var childIndent = indent + (last ? "    " : "│   ");
        var attempts = detail.Session?.Attempts ?? [];
        for (var a = 0; a < attempts.Count; a++)
        {
            var attempt = attempts[a];
            var calls = attempt.ToolCalls.ToList();
            var lastAttempt = a == attempts.Count - 1;
            Line(text, childIndent, lastAttempt, $"attempt {attempt.Attempt} · {Snake(attempt.Status.ToString())} · {attempt.DurationMs:0} ms" + (attempt.Error is { } e ? $" · {e.Kind}: {e.Message}" : string.Empty));
            var callIndent = childIndent + (lastAttempt ? "    " : "│   ");
            for (var i = 0; i < calls.Count; i++)
            {
                var call = calls[i];
                Line(text, callIndent, i == calls.Count - 1, $"{MermaidDiagram.Describe(call)} {(call.Success ? "✅" : "❌")} {call.DurationMs:0.#} ms" + (call.Error is { } ce ? $" · {ce.Message}" : string.Empty));
            }
        }
    }

    private static void Line(StringBuilder text, string indent, bool last, string content) =>
        text.Append(indent).Append(last ? "└── " : "├── ").Append(content.ReplaceLineEndings(" ")).Append('\n');

    private static string Snake(ExecutionStatus status) => Snake(status.ToString());

    private static string Snake(ConsolidationStatus status) => Snake(status.ToString());

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
