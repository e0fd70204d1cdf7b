namespace Reev.Cluster.GrainInterfaces;

/// <summary>
/// Recovery settings of one execution (the reference's <c>recovery_config</c>). Defaults: retry backoff
/// base 1000 ms, ×2, cap 10000 ms, total budget 30000 ms (DESIGN §5).
/// </summary>
public sealed record RecoveryConfig
{
    public int BaseRetryDelayMs { get; init; } = 1000;

    public int MaxRetryDelayMs { get; init; } = 10000;

    public double BackoffMultiplier { get; init; } = 2.0;

    /// <summary>Total time a step may spend in retries, from its first attempt.</summary>
    public int MaxRecoveryTimeMs { get; init; } = 30000;

    /// <summary>Immediate retries of a transient error inside the step's turn (Polly), before backoff reminders.</summary>
    public int InTurnRetries { get; init; } = 2;

    /// <summary>Delay between the in-turn retries.</summary>
    public int InTurnRetryDelayMs { get; init; } = 50;

    public bool EnableAlternativeFlows { get; init; } = true;

    public bool EnableUserFulfillment { get; init; }

    /// <summary>How long an execution waits for an answer before applying <see cref="DefaultAnswer"/>.</summary>
    public int UserFulfillmentTimeoutMs { get; init; } = 300000;

    public FulfillmentAnswer DefaultAnswer { get; init; } = FulfillmentAnswer.Abort;

    public static RecoveryConfig Default { get; } = new();

    /// <summary>The problems of this configuration, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (BaseRetryDelayMs < 0)
        {
            problems.Add($"recovery_config.base_retry_delay_ms must not be negative (got {BaseRetryDelayMs}).");
        }

        if (MaxRetryDelayMs < BaseRetryDelayMs)
        {
            problems.Add($"recovery_config.max_retry_delay_ms ({MaxRetryDelayMs}) must be at least base_retry_delay_ms ({BaseRetryDelayMs}).");
        }

        if (BackoffMultiplier is < 1 or > 100 || double.IsNaN(BackoffMultiplier))
        {
            problems.Add($"recovery_config.backoff_multiplier must be between 1 and 100 (got {BackoffMultiplier}).");
        }

        if (MaxRecoveryTimeMs <= 0)
        {
            problems.Add($"recovery_config.max_recovery_time_ms must be positive (got {MaxRecoveryTimeMs}); a budget of 0 leaves no time to recover.");
        }

        if (InTurnRetries is < 0 or > 10)
        {
            problems.Add($"recovery_config.in_turn_retries must be between 0 and 10 (got {InTurnRetries}).");
        }

        if (InTurnRetryDelayMs is < 0 or > 5000)
        {
            problems.Add($"recovery_config.in_turn_retry_delay_ms must be between 0 and 5000 (got {InTurnRetryDelayMs}).");
        }

        if (UserFulfillmentTimeoutMs <= 0)
        {
            problems.Add($"recovery_config.user_fulfillment_timeout_ms must be positive (got {UserFulfillmentTimeoutMs}).");
        }

        return problems;
    }

    /// <summary>Backoff before retry number <paramref name="retry"/> (1-based): base × multiplier^(retry-1), capped.</summary>
    public TimeSpan BackoffFor(int retry)
    {
        var ms = BaseRetryDelayMs * Math.Pow(BackoffMultiplier, Math.Max(0, retry - 1));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxRetryDelayMs));
    }
}
