namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>A <c>success_criteria</c> entry; kept as data, not evaluated (as in the reference).</summary>
/// <param name="Type">Criterion type.</param>
/// <param name="Description">Free text.</param>
/// <param name="Required">The <c>required</c> scalar as written (a bool or a count).</param>
/// <param name="Weight">Weight, default 1.0.</param>
public sealed record SuccessCriterion(string Type, string? Description, string? Required, double Weight);
