using Reev.Cluster.Client.ReadModels;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>A page of <c>GET /api/v1/executions</c>; pass <c>next_cursor</c> as <c>cursor</c> for the next page.</summary>
internal sealed record ExecutionListResource(IReadOnlyList<ExecutionSummary> Items, int Limit, string? NextCursor);
