using System.Globalization;
using System.Text;
using System.Text.Json;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Diagrams;

/// <summary>
/// A Mermaid <c>stateDiagram-v2</c> of an execution: one state per step and per alternate, transitions labelled with
/// tools, amounts, status, duration and error, recovery paths (step → its alternate) visible, then consolidation.
/// </summary>
internal static class MermaidDiagram
{
    private const int MaxLabel = 120;

    public static DiagramResult Build(ExecutionView view, IReadOnlyList<SessionDetail> sessions)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(sessions);
        var text = new StringBuilder("stateDiagram-v2\n");
        var states = 1;
        var toolCount = 0;
        var durationMs = 0.0;
        var failed = new List<string>();
        var recovered = new List<string>();
        text.Append("    state \"").Append(Clean($"{view.FlowId} ({view.Source.ToString().ToLowerInvariant()}, {view.Agent}, {view.AtomicMode.ToString().ToLowerInvariant()})")).Append("\" as Flow\n");
        text.Append("    [*] --> Flow\n");
        var previous = "Flow";
        foreach (var step in view.Steps.OrderBy(static s => s.Index))
        {
            var chain = sessions.Where(s => s.Row.StepIndex == step.Index).ToList();
            if (chain.Count == 0)
            {
                var id = $"S{step.Index}";
                states++;
                text.Append("    state \"").Append(Clean($"Step {step.Index}: {step.Description}")).Append("\" as ").Append(id).Append('\n');
                text.Append("    ").Append(previous).Append(" --> ").Append(id).Append(" : ").Append(Clean(Status(step.Status))).Append('\n');
                previous = id;
                continue;
            }

            string? planned = null;
            foreach (var detail in chain)
            {
                var alternate = detail.AlternateNumber;
                var id = alternate == 0 ? $"S{step.Index}" : $"S{step.Index}_alt{alternate}";
                states++;
                var calls = detail.Session?.Attempts.LastOrDefault()?.ToolCalls.ToList() ?? [];
                toolCount += calls.Count;
                durationMs += detail.Row.DurationMs;
                var title = alternate == 0 ? $"Step {step.Index}: {step.Description}" : $"Step {step.Index} alternate {alternate}: {detail.Row.Alternate}";
                text.Append("    state \"").Append(Clean(title)).Append("\" as ").Append(id).Append('\n');
                var label = Label(detail, calls);
                var from = alternate == 0 ? previous : planned ?? previous;
                text.Append("    ").Append(from).Append(" --> ").Append(id).Append(" : ").Append(alternate == 0 ? label : Clean("recovery " + detail.Row.Alternate + " · ") + label).Append('\n');
                if (detail.Row.Status is "failed" or "cancelled")
                {
                    failed.Add(id);
                    if (detail.Row.Error is { Length: > 0 } error)
                    {
                        text.Append("    note right of ").Append(id).Append(" : ").Append(Clean(error)).Append('\n');
                    }
                }
                else if (alternate > 0)
                {
                    recovered.Add(id);
                }

                planned ??= id;
                previous = id;
            }
        }

        if (view.Consolidation is { } consolidation)
        {
            states++;
            text.Append("    ").Append(previous).Append(" --> Consolidation : ").Append(Clean(Snake(view.Status.ToString()) + (view.Score is { } s ? $" · score {s.FlowScore:0.###}" : string.Empty))).Append('\n');
            text.Append("    Consolidation --> [*] : ").Append(Clean(Snake(consolidation.Status.ToString()) + (consolidation.PhasesCompleted.Count > 0 ? " · " + string.Join(", ", consolidation.PhasesCompleted) : string.Empty))).Append('\n');
        }
        else
        {
            text.Append("    ").Append(previous).Append(" --> [*] : ").Append(Clean(Snake(view.Status.ToString()))).Append('\n');
        }

        text.Append("    classDef failed fill:#fdecea,stroke:#c62828\n");
        text.Append("    classDef recovered fill:#fff3e0,stroke:#ef6c00\n");
        if (failed.Count > 0)
        {
            text.Append("    class ").Append(string.Join(',', failed)).Append(" failed\n");
        }

        if (recovered.Count > 0)
        {
            text.Append("    class ").Append(string.Join(',', recovered)).Append(" recovered\n");
        }

        return new DiagramResult(text.ToString(), states, toolCount, Math.Round(durationMs, 1));
    }

    private static string Label(SessionDetail detail, List<ToolCallRecord> calls)
    {
        var tools = calls.Count == 0 ? "no tool calls" : string.Join(", ", calls.Select(Describe));
        var parts = new List<string> { tools, Status(detail.Row.Status), $"{detail.Row.DurationMs.ToString("0", CultureInfo.InvariantCulture)} ms" };
        if (detail.Row.Attempt > 1)
        {
            parts.Add($"{detail.Row.Attempt} attempts");
        }

        if (detail.Row.Error is { Length: > 0 } error)
        {
            parts.Add(error);
        }

        return Clean(string.Join(" · ", parts));
    }

    /// <summary>"jupiter_swap 0.1 SOL→USDC", "sol_transfer 0.1 SOL", or the tool name.</summary>
    public static string Describe(ToolCallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            using var args = JsonDocument.Parse(call.ArgumentsJson);
            var root = args.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("amount", out var amountElement))
            {
                return call.ToolName;
            }

            // Arguments are stored as the agent gave them: an amount may be of any JSON type.
            var amount = amountElement.ValueKind switch
            {
                JsonValueKind.Number => amountElement.GetRawText(),
                JsonValueKind.String => amountElement.GetString(),
                _ => null,
            };
            if (amount is null)
            {
                return call.ToolName;
            }

            var input = Mint(root, "input_mint") ?? Mint(root, "mint_address") ?? Mint(root, "asset_mint") ?? Mint(root, "asset") ?? (call.ToolName.StartsWith("sol_", StringComparison.Ordinal) ? TokenCatalog.SolMint : null);
            var output = Mint(root, "output_mint");
            var token = input is null ? null : TokenCatalog.FindByMint(input);
            var shown = token is not null && ulong.TryParse(amount, NumberStyles.None, CultureInfo.InvariantCulture, out var units)
                ? $"{(units / token.UnitsPerToken).ToString("0.######", CultureInfo.InvariantCulture)} {token.Symbol}"
                : amount;
            var to = output is null ? string.Empty : "→" + (TokenCatalog.FindByMint(output)?.Symbol ?? output[..Math.Min(8, output.Length)]);
            return $"{call.ToolName} {shown}{to}{(call.Success ? string.Empty : " failed")}";
        }
        catch (JsonException)
        {
            return call.ToolName;
        }
    }

    private static string? Mint(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Status(StepRunStatus status) => Status(Snake(status.ToString()));

    private static string Status(string status) => status switch
    {
        "succeeded" => "✅ succeeded",
        "recovered" => "✅ recovered",
        "failed" => "❌ failed",
        "cancelled" => "⛔ cancelled",
        "skipped" => "⏭ skipped",
        _ => "⏳ " + status,
    };

    private static string Snake(string name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Label text Mermaid accepts: one line, no quotes, semicolons or hashes, bounded length.</summary>
    private static string Clean(string text)
    {
        var cleaned = text.ReplaceLineEndings(" ").Replace('"', '\'').Replace(';', ',').Replace("#", "no.", StringComparison.Ordinal)
            .Replace("-->", "->", StringComparison.Ordinal).Replace(":", " -", StringComparison.Ordinal).Trim();
        return cleaned.Length > MaxLabel ? cleaned[..(MaxLabel - 3)] + "..." : cleaned;
    }
}

/// <summary>A diagram and its counts.</summary>
internal sealed record DiagramResult(string Diagram, int StateCount, int ToolCount, double ExecutionTimeMs);
