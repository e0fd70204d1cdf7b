using System.Text.Json;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// The JSON result of <c>reev run --json</c> and <c>reev exec --json</c>: the documented members (execution_id,
/// flow_id, status, passed, score, steps, accounts, consolidation) plus a few that help scripts (seed, agent, …).
/// </summary>
internal static class ExecutionJson
{
    public static void Write(TextWriter output, ExecutionView view, string? prompt)
    {
        ArgumentNullException.ThrowIfNull(view);
        CliJson.WriteObject(output, w =>
        {
            w.WriteString("execution_id", view.ExecutionId);
            w.WriteString("flow_id", view.FlowId);
            w.WriteString("status", SnakeCase.Of(view.Status));
            w.WriteBoolean("passed", view.Passed);
            WriteScore(w, view.Score);
            WriteSteps(w, view.Steps);
            WriteAccounts(w, view.Accounts);
            WriteConsolidation(w, view.Consolidation);
            w.WriteString("source", SnakeCase.Of(view.Source));
            if (prompt is not null)
            {
                w.WriteString("prompt", prompt);
            }

            w.WriteString("agent", view.Agent);
            w.WriteString("atomic_mode", SnakeCase.Of(view.AtomicMode));
            w.WriteNumber("seed", view.Seed);
            w.WriteStringOrNull("error", view.Error);
            if (view.CancelledBy is not null)
            {
                w.WriteString("cancelled_by", view.CancelledBy);
                w.WriteStringOrNull("cancel_reason", view.CancelReason);
            }

            w.WriteStartArray("recovery");
            foreach (var action in view.RecoveryActions)
            {
                w.WriteStartObject();
                w.WriteNumber("step", action.Step);
                w.WriteString("strategy", action.Strategy);
                w.WriteString("detail", action.Detail);
                w.WriteBooleanOrNull("succeeded", action.Succeeded);

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (view.FinishedAt is { } finished)
            {
                w.WriteNumber("duration_ms", Math.Round((finished - view.CreatedAt).TotalMilliseconds, 1));
            }
        });
    }

    private static void WriteScore(Utf8JsonWriter w, FlowScores? score)
    {
        if (score is null)
        {
            w.WriteNull("score");
            return;
        }

        w.WriteStartObject("score");
        w.WriteScore("instruction", score.Instruction);
        w.WriteScore("onchain", score.OnChain);
        w.WriteScore("assertion", score.Assertion);
        w.WriteScore("final", score.Final);
        w.WriteScore("flow", score.FlowScore);
        w.WriteScore("pass_threshold", score.PassThreshold);
        w.WriteEndObject();
    }

    private static void WriteSteps(Utf8JsonWriter w, IReadOnlyList<StepView> steps)
    {
        w.WriteStartArray("steps");
        foreach (var step in steps)
        {
            w.WriteStartObject();
            w.WriteNumber("index", step.Index);
            w.WriteString("status", SnakeCase.Of(step.Status));
            w.WriteStartArray("tools");
            foreach (var tool in step.Tools)
            {
                w.WriteStringValue(tool);
            }

            w.WriteEndArray();
            w.WriteNumber("attempts", step.Attempts);
            w.WriteStringOrNull("error", step.Error);
            w.WriteStringOrNull("error_kind", step.ErrorKind);
            w.WriteString("description", step.Description);
            w.WriteBoolean("critical", step.Critical);
            w.WriteScore("score", step.Score);
            if (step.Alternate != AlternateKind.None)
            {
                w.WriteString("alternate", SnakeCase.Of(step.Alternate));
            }

            w.WriteNumber("duration_ms", Math.Round(step.DurationMs, 1));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteAccounts(Utf8JsonWriter w, IReadOnlyList<AccountView> accounts)
    {
        w.WriteStartObject("accounts");
        foreach (var account in accounts)
        {
            w.WriteStartObject(account.Placeholder);
            w.WriteString("address", account.Address);
            w.WriteNumber("lamports", account.Lamports);
            if (account.Mint is not null)
            {
                w.WriteString("mint", account.Mint);
                w.WriteNumber("amount", account.Amount ?? 0);
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    private static void WriteConsolidation(Utf8JsonWriter w, ConsolidationView? consolidation)
    {
        if (consolidation is null)
        {
            w.WriteNull("consolidation");
            return;
        }

        w.WriteStartObject("consolidation");
        w.WriteString("status", SnakeCase.Of(consolidation.Status));
        w.WriteStringOrNull("consolidated_session_id", consolidation.ConsolidatedSessionId);
        w.WriteScore("avg_score", consolidation.AvgScore);
        w.WriteScore("success_rate", consolidation.SuccessRate);
        w.WriteNumber("total_tools", consolidation.TotalTools);
        w.WriteStartArray("phases_completed");
        foreach (var phase in consolidation.PhasesCompleted)
        {
            w.WriteStringValue(phase);
        }

        w.WriteEndArray();
        w.WriteStringOrNull("error", consolidation.Error);
        w.WriteEndObject();
    }
}
