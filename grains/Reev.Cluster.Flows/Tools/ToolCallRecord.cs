using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tools;

/// <summary>One tool call of a step, as recorded by the tool invoker (not by the agent's own account).</summary>
/// <param name="Index">0-based order within the step attempt.</param>
/// <param name="ToolName">The tool.</param>
/// <param name="ArgumentsJson">Arguments as given (JSON object text).</param>
/// <param name="Success">True when the tool returned a result.</param>
/// <param name="ResultJson">Structured result (JSON text) on success.</param>
/// <param name="Error">Typed error on failure.</param>
/// <param name="DurationMs">Wall-clock duration of the call.</param>
/// <param name="Signatures">Signatures of the transactions the call sent (also for failed transactions).</param>
/// <param name="Replayed">True when the call was not executed: an earlier attempt of the step had made it, and its
/// recorded result was returned (<see cref="ToolJournal"/>).</param>
public sealed record ToolCallRecord(
    int Index,
    string ToolName,
    string ArgumentsJson,
    bool Success,
    string? ResultJson,
    ToolError? Error,
    double DurationMs,
    EquatableArray<string> Signatures,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    bool Replayed = false);
