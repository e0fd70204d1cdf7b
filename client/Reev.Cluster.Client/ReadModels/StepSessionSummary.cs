namespace Reev.Cluster.Client.ReadModels;

/// <summary>
/// A step session as the step-sessions read model keeps it (session id = step grain key). Status and alternate are
/// snake_case (<c>succeeded</c>, <c>reduced_amount</c>) whatever the row's spelling (see <see cref="Normalize"/>).
/// </summary>
public sealed record StepSessionSummary
{
    public required string SessionId { get; init; }

    public required string ExecutionId { get; init; }

    public int StepIndex { get; init; }

    public string Alternate { get; init; } = string.Empty;

    public int Attempt { get; init; }

    public string Status { get; init; } = string.Empty;

    public int ToolCount { get; init; }

    public double Score { get; init; }

    public double DurationMs { get; init; }

    public string Prompt { get; init; } = string.Empty;

    public string? Error { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>How many times the step grain published this session (each change of it is one).</summary>
    public int Revision { get; init; }

    /// <summary>
    /// How many committed turns wrote this session: equal to <see cref="Revision"/>, unless a turn was committed
    /// twice (which exactly-once delivery rules out, and which <c>reev load</c> checks).
    /// </summary>
    public int Commits { get; init; }

    /// <summary>The rows store enum names as written by the grains (<c>Succeeded</c>); listings use snake_case like every other status.</summary>
    public static string Normalize(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name ?? string.Empty);
}
