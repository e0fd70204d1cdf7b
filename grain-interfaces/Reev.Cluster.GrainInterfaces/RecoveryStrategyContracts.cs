using System.Text.RegularExpressions;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.GrainInterfaces;

/// <summary>How a strategy's <see cref="RecoveryStrategy.ErrorPattern"/> is matched (always case-insensitive).</summary>
public enum StrategyPatternKind
{
    /// <summary>The pattern occurs in the error kind or the error message.</summary>
    Substring,

    /// <summary>The pattern is a .NET regular expression found in the error kind or the error message.</summary>
    Regex,
}

/// <summary>
/// A user alternate-flow rule kept by the recovery grain: when a failed step's error matches
/// <see cref="ErrorPattern"/> (and one of its tools is <see cref="Tool"/>, when set), <see cref="Alternate"/> runs first.
/// </summary>
public sealed record RecoveryStrategy
{
    /// <summary>How long one match may take before the rule counts as not matching (a guard against runaway patterns).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    public required string Id { get; init; }

    public required string ErrorPattern { get; init; }

    public StrategyPatternKind PatternKind { get; init; }

    /// <summary>Only steps that called this tool; null for any step.</summary>
    public string? Tool { get; init; }

    public required AlternateKind Alternate { get; init; }

    /// <summary>Higher first; equal priorities keep registration order.</summary>
    public int Priority { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public string? CreatedBy { get; init; }

    /// <summary>The Idempotency-Key of the request that registered it, so a retried POST finds it again.</summary>
    public string? RequestId { get; init; }

    /// <summary>True when the error (its kind or its message) matches and the tool filter passes.</summary>
    public bool Matches(string? errorKind, string? error, IReadOnlyCollection<string>? tools)
    {
        if (Tool is not null && (tools is null || !tools.Contains(Tool, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        return MatchesText(errorKind) || MatchesText(error);
    }

    private bool MatchesText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (PatternKind == StrategyPatternKind.Substring)
        {
            return text.Contains(ErrorPattern, StringComparison.OrdinalIgnoreCase);
        }

        try
        {
            return System.Text.RegularExpressions.Regex.IsMatch(text, ErrorPattern, RecoveryStrategyDraft.PatternOptions, MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}

/// <summary>A strategy to register (the id and time are the recovery grain's).</summary>
public sealed record RecoveryStrategyDraft
{
    /// <summary>The longest error pattern accepted.</summary>
    public const int MaxPatternLength = 500;

    internal const RegexOptions PatternOptions = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    public string ErrorPattern { get; init; } = string.Empty;

    public StrategyPatternKind PatternKind { get; init; }

    public string? Tool { get; init; }

    public AlternateKind Alternate { get; init; }

    public int Priority { get; init; }

    public string? CreatedBy { get; init; }

    public string? RequestId { get; init; }

    /// <summary>The alternates a strategy may name (every kind but <see cref="AlternateKind.None"/>), as the API spells them.</summary>
    public static IReadOnlyList<string> AlternateNames { get; } =
        [.. Enum.GetValues<AlternateKind>().Where(static k => k != AlternateKind.None).Select(NameOf)];

    /// <summary>The API spelling of an alternate: <c>ReducedAmount</c> → <c>reduced_amount</c>.</summary>
    public static string NameOf(AlternateKind kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    /// <summary>Reads <c>reduced_amount</c>, <c>ReducedAmount</c> or <c>reduced-amount</c>; never <see cref="AlternateKind.None"/>.</summary>
    public static bool TryParseAlternate(string? text, out AlternateKind kind)
    {
        var compact = text?.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).Trim();
        foreach (var candidate in Enum.GetValues<AlternateKind>())
        {
            if (candidate != AlternateKind.None && string.Equals(candidate.ToString(), compact, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = AlternateKind.None;
        return false;
    }

    /// <summary>The problems of this draft, each starting with the field it names; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(ErrorPattern))
        {
            problems.Add("error_pattern: required, a case-insensitive substring or (with pattern_kind regex) a regular expression.");
        }
        else if (ErrorPattern.Length > MaxPatternLength)
        {
            problems.Add($"error_pattern: at most {MaxPatternLength} characters (got {ErrorPattern.Length}).");
        }
        else if (PatternKind == StrategyPatternKind.Regex)
        {
            try
            {
                _ = new Regex(ErrorPattern, PatternOptions, RecoveryStrategy.MatchTimeout);
            }
            catch (ArgumentException ex)
            {
                problems.Add($"error_pattern: not a valid regular expression: {ex.Message}");
            }
        }

        if (!Enum.IsDefined(PatternKind))
        {
            problems.Add($"pattern_kind: must be substring or regex (got {PatternKind}).");
        }

        if (Alternate == AlternateKind.None || !Enum.IsDefined(Alternate))
        {
            problems.Add($"alternate: must be one of {string.Join(", ", AlternateNames)}.");
        }

        if (Tool is not null && !ToolNames.All.Contains(Tool, StringComparer.Ordinal))
        {
            problems.Add($"tool: unknown tool '{Tool}' (known: {string.Join(", ", ToolNames.All)}).");
        }

        if (Priority is < -1000 or > 1000)
        {
            problems.Add($"priority: must be between -1000 and 1000 (got {Priority}).");
        }

        return problems;
    }
}

/// <summary>The recovery grain's answer to a registration: the stored strategy, or why it was refused.</summary>
public sealed record RecoveryStrategyResult(RecoveryStrategy? Strategy, string? Problem, bool Existing = false)
{
    public static RecoveryStrategyResult Registered(RecoveryStrategy strategy) => new(strategy, null);

    /// <summary>The strategy an earlier request with the same request id registered.</summary>
    public static RecoveryStrategyResult Found(RecoveryStrategy strategy) => new(strategy, null, Existing: true);

    public static RecoveryStrategyResult Refused(string problem) => new(null, problem);
}

/// <summary>From the recovery grain: a user strategy matched a failed step; <see cref="Order"/> starts with its alternate.</summary>
public sealed record StrategyMatch(int Step, string StrategyId, AlternateKind Alternate, IReadOnlyList<AlternateKind> Order);
