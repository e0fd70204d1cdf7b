using Reev.Cluster.Flows.FlowFiles;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>One assertion's evaluation.</summary>
/// <param name="Index">0-based index in final_state_assertions.</param>
/// <param name="Type">Assertion type.</param>
/// <param name="Target">Placeholder (or address) evaluated.</param>
/// <param name="Address">Resolved address.</param>
/// <param name="Held">Whether it holds.</param>
/// <param name="Weight">Its weight.</param>
/// <param name="Actual">Final value measured.</param>
/// <param name="Initial">Initial value, for change assertions.</param>
/// <param name="Detail">Readable explanation, e.g. "35000000 == 35000000".</param>
public sealed record AssertionResult(
    int Index,
    AssertionType Type,
    string Target,
    string Address,
    bool Held,
    double Weight,
    decimal? Actual,
    decimal? Initial,
    string Detail);
