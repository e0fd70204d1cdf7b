namespace Reev.Cluster.Client.ReadModels;

/// <summary>A page request over the executions read model.</summary>
/// <param name="Status">Snake-case status (<c>running</c>, <c>awaiting_user</c>), or null for all.</param>
/// <param name="FlowId">Flow (benchmark) id, or null for all.</param>
/// <param name="Limit">Page size, 1..500.</param>
/// <param name="After">Continue after this position, or null for the first page.</param>
public sealed record ExecutionListQuery(string? Status, string? FlowId, int Limit, ExecutionKeyset? After)
{
    public const int MaxLimit = 500;
}
