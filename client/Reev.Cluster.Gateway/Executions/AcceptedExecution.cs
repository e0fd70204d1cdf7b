namespace Reev.Cluster.Gateway.Executions;

/// <summary>The 202 answer to a submission: the execution is durably accepted and queued.</summary>
internal sealed record AcceptedExecution(string ExecutionId, string Status, string Kind, string? BenchmarkId, string FlowId, ExecutionLinks Links);

/// <summary>Where to follow an execution.</summary>
internal sealed record ExecutionLinks(string Self, string Status, string Events, string Diagram, string Cancel, string Consolidated);
