using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Agents;

/// <summary>What the agent did: its tool calls (with arguments, results, durations) and its final text.</summary>
public sealed record AgentResult(EquatableArray<ToolCallRecord> ToolCalls, string FinalText);
