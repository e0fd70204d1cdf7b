using System.Globalization;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;
using Spectre.Console;

namespace Reev.Cluster.Cli.Planning;

/// <summary>A plan for people (a table) or for scripts (<c>{"flow_id", "steps": [...], "yaml"}</c>).</summary>
internal static class PlanOutput
{
    public static void WriteJson(TextWriter output, PlannedFlow flow, SimulatedWallet wallet)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(wallet);
        var plan = flow.Plan;
        CliJson.WriteObject(output, w =>
        {
            w.WriteString("flow_id", plan.PlanId);
            w.WriteString("prompt", plan.Prompt);
            w.WriteString("summary", plan.Summary);
            w.WriteStartObject("wallet");
            w.WriteString("address", wallet.Address);
            w.WriteNumber("lamports", wallet.Lamports);
            w.WriteNumber("usdc", wallet.UsdcAmount);
            w.WriteEndObject();
            w.WriteStartArray("steps");
            foreach (var step in plan.Steps)
            {
                w.WriteStartObject();
                w.WriteNumber("index", step.Index);
                w.WriteString("id", step.Id);
                w.WriteString("tool", step.Tool);
                w.WriteBoolean("critical", step.Critical);
                w.WriteString("description", step.Description);
                w.WriteStringOrNull("amount", step.Amount?.ToString());
                w.WriteStartObject("params");
                foreach (var argument in step.Arguments)
                {
                    if (argument.IsNumber && ulong.TryParse(argument.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                    {
                        w.WriteNumber(argument.Name, number);
                    }
                    else
                    {
                        w.WriteString(argument.Name, argument.Value);
                    }
                }

                w.WriteEndObject();
                w.WriteNumber("timeout_seconds", step.TimeoutSeconds);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStringOrNull("yaml", flow.Yaml);
        });
    }

    public static void WriteTable(IAnsiConsole console, FlowPlan plan)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(plan);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"[bold]plan[/] [grey]{Markup.Escape(plan.PlanId)}[/]: {plan.Steps.Count} step(s) for \"{Markup.Escape(plan.Prompt)}\""));
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("#", "step", "tool", "amount", "params");
        foreach (var step in plan.Steps)
        {
            table.AddRow(
                step.Index.ToString(CultureInfo.InvariantCulture) + (step.Critical ? "*" : string.Empty),
                Markup.Escape(step.Description),
                Markup.Escape(step.Tool),
                Markup.Escape(step.Amount?.ToString() ?? string.Empty),
                Markup.Escape(string.Join(", ", step.Arguments.Select(a => $"{a.Name}={a.Value}"))));
        }

        table.Caption("* critical");
        console.Write(table);
    }
}
