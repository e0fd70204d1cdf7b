using System.Text.Json.Nodes;

namespace Reev.Cluster.Flows.Tools;

/// <summary>What a tool handler produced: a result object, or a typed error (e.g. a failed transaction).</summary>
internal readonly record struct ToolOutcome(JsonObject? Result, ToolError? Error)
{
    public static ToolOutcome Ok(JsonObject result) => new(result, null);

    public static ToolOutcome Fail(ToolError error) => new(null, error);
}
