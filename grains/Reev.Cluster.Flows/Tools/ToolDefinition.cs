namespace Reev.Cluster.Flows.Tools;

/// <summary>A tool as an LLM sees it: name, description and a JSON-schema object for its parameters.</summary>
/// <param name="Name">One of <see cref="ToolNames"/>.</param>
/// <param name="Description">What the tool does, for the model.</param>
/// <param name="ParametersSchema">JSON schema (<c>{"type":"object","properties":…,"required":…}</c>) as text.</param>
/// <param name="IsReadOnly">True when the tool sends no transaction.</param>
public sealed record ToolDefinition(string Name, string Description, string ParametersSchema, bool IsReadOnly);
