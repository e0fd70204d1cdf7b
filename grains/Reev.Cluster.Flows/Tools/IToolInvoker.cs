namespace Reev.Cluster.Flows.Tools;

/// <summary>The tool registry bound to one step's ledger: what an agent calls.</summary>
public interface IToolInvoker
{
    /// <summary>The tools, with JSON-schema parameters (for an LLM's function list).</summary>
    IReadOnlyList<ToolDefinition> Definitions { get; }

    /// <summary>Calls so far in this step attempt, in order.</summary>
    IReadOnlyList<ToolCallRecord> Calls { get; }

    /// <summary>
    /// Runs a tool with JSON arguments. Never throws for bad input or tool errors (they come back in the
    /// record); only cancellation propagates.
    /// </summary>
    Task<ToolCallRecord> InvokeAsync(string toolName, string argumentsJson, CancellationToken cancellationToken);
}
