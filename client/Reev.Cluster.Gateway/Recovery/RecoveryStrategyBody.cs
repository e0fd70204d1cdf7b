namespace Reev.Cluster.Gateway.Recovery;

/// <summary>
/// The body of <c>POST /api/v1/recovery/strategies</c>. Strings rather than enums so that an unknown
/// <c>alternate</c> or <c>pattern_kind</c> is a 400 that lists what is accepted.
/// </summary>
internal sealed class RecoveryStrategyBody
{
    /// <summary>A case-insensitive substring of the error kind or message, or a regular expression with <see cref="PatternKind"/> <c>regex</c>.</summary>
    public string? ErrorPattern { get; init; }

    /// <summary><c>substring</c> (default) or <c>regex</c>.</summary>
    public string? PatternKind { get; init; }

    /// <summary>Only steps that called this tool (a reference tool name); absent for any step.</summary>
    public string? Tool { get; init; }

    /// <summary>The alternate to run first: <c>reduced_amount</c>, <c>second_venue</c> or <c>fresh_attempt</c>.</summary>
    public string? Alternate { get; init; }

    /// <summary>Higher is consulted first (default 0).</summary>
    public int? Priority { get; init; }
}
