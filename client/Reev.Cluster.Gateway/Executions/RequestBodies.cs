using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>Body of <c>POST /api/v1/benchmarks/{id}/run</c> (all optional; unknown fields are ignored).</summary>
internal sealed record RunBody
{
    /// <summary>deterministic (default), noop or openai.</summary>
    public string? Agent { get; init; }

    /// <summary>The reference's <c>config: {agent_type}</c>; used when <c>agent</c> is absent.</summary>
    public AgentConfigBody? Config { get; init; }

    public AtomicMode? AtomicMode { get; init; }

    public int? Seed { get; init; }

    /// <summary>Faults to inject (the flow library's grammar, e.g. <c>transient@1</c>).</summary>
    public string? Faults { get; init; }

    public RecoveryConfigBody? RecoveryConfig { get; init; }
}

internal sealed record AgentConfigBody
{
    public string? AgentType { get; init; }
}

/// <summary>Body of execute-direct, execute-dynamic (bridge) and execute-recovery.</summary>
internal sealed record PromptBody
{
    /// <summary>What to do, e.g. "swap 0.1 SOL to USDC then lend it".</summary>
    public string? Prompt { get; init; }

    /// <summary>The wallet's address (base58); a fresh simulated one when absent.</summary>
    public string? Wallet { get; init; }

    /// <summary>SOL in the simulated wallet (default 5).</summary>
    public decimal? WalletSol { get; init; }

    /// <summary>USDC in the simulated wallet (default 1000).</summary>
    public decimal? WalletUsdc { get; init; }

    public string? Agent { get; init; }

    public AtomicMode? AtomicMode { get; init; }

    public int? Seed { get; init; }

    public RecoveryConfigBody? RecoveryConfig { get; init; }
}

/// <summary>The reference's <c>recovery_config</c>; absent fields keep the cluster defaults.</summary>
internal sealed record RecoveryConfigBody
{
    public int? BaseRetryDelayMs { get; init; }

    public int? MaxRetryDelayMs { get; init; }

    public double? BackoffMultiplier { get; init; }

    public int? MaxRecoveryTimeMs { get; init; }

    public bool? EnableAlternativeFlows { get; init; }

    public bool? EnableUserFulfillment { get; init; }

    public int? UserFulfillmentTimeoutMs { get; init; }

    public FulfillmentAnswer? DefaultAnswer { get; init; }

    public int? InTurnRetries { get; init; }

    public RecoveryConfig ApplyTo(RecoveryConfig defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return defaults with
        {
            BaseRetryDelayMs = BaseRetryDelayMs ?? defaults.BaseRetryDelayMs,
            MaxRetryDelayMs = MaxRetryDelayMs ?? defaults.MaxRetryDelayMs,
            BackoffMultiplier = BackoffMultiplier ?? defaults.BackoffMultiplier,
            MaxRecoveryTimeMs = MaxRecoveryTimeMs ?? defaults.MaxRecoveryTimeMs,
            EnableAlternativeFlows = EnableAlternativeFlows ?? defaults.EnableAlternativeFlows,
            EnableUserFulfillment = EnableUserFulfillment ?? defaults.EnableUserFulfillment,
            UserFulfillmentTimeoutMs = UserFulfillmentTimeoutMs ?? defaults.UserFulfillmentTimeoutMs,
            DefaultAnswer = DefaultAnswer ?? defaults.DefaultAnswer,
            InTurnRetries = InTurnRetries ?? defaults.InTurnRetries,
        };
    }
}

/// <summary>Body of <c>POST /api/v1/executions/{id}/fulfillment</c>.</summary>
internal sealed record FulfillmentBody
{
    /// <summary>retry, skip, abort or alternate.</summary>
    public FulfillmentAnswer? Answer { get; init; }

    /// <summary>The question answered (its <c>sequence</c>, as the execution shows it); optional. When given and another question is open, 409.</summary>
    public long? Question { get; init; }
}

/// <summary>Optional body of a cancel.</summary>
internal sealed record CancelBody
{
    public string? Reason { get; init; }
}
