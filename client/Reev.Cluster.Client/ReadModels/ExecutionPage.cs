namespace Reev.Cluster.Client.ReadModels;

/// <summary>A page of executions and where the next one starts (null when this is the last).</summary>
public sealed record ExecutionPage(IReadOnlyList<ExecutionSummary> Items, ExecutionKeyset? Next);
