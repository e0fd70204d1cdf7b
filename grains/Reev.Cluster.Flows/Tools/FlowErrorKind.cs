namespace Reev.Cluster.Flows.Tools;

/// <summary>Typed errors of tools and steps. <see cref="FlowErrors.IsRetryable"/> says which are retryable.</summary>
public enum FlowErrorKind
{
    /// <summary>Not enough lamports or tokens (permanent).</summary>
    InsufficientFunds = 0,

    /// <summary>Jupiter custom program error 0x1771 (permanent at the same amount; reduce the amount or widen slippage).</summary>
    SlippageExceeded = 1,

    /// <summary>Unknown or unsupported mint (permanent).</summary>
    InvalidMint = 2,

    /// <summary>Swap with the same input and output mint (permanent).</summary>
    SameInputOutputMint = 3,

    /// <summary>Zero, negative, non-numeric or out-of-range amount (permanent).</summary>
    InvalidAmount = 4,

    /// <summary>Not a base58 32-byte address and not a known placeholder (permanent).</summary>
    InvalidAddress = 5,

    /// <summary>Missing or malformed tool arguments (permanent).</summary>
    InvalidArguments = 6,

    /// <summary>Tool name not in the registry (permanent).</summary>
    UnknownTool = 7,

    /// <summary>Transient RPC error such as "blockhash not found" (retryable).</summary>
    Transient = 8,

    /// <summary>The call timed out (retryable).</summary>
    Timeout = 9,

    /// <summary>The swap venue is unavailable (use the alternate venue).</summary>
    VenueUnavailable = 10,

    /// <summary>Not enough liquidity for the size (reduce the amount).</summary>
    Liquidity = 11,

    /// <summary>Any other on-chain failure, e.g. wrong token owner (permanent).</summary>
    TransactionFailed = 12,

    /// <summary>The agent itself failed (e.g. an LLM endpoint error); retryable.</summary>
    AgentFailed = 13,

    /// <summary>The agent name is not registered (permanent).</summary>
    UnknownAgent = 14,

    /// <summary>The step request is invalid (permanent).</summary>
    InvalidRequest = 15,

    /// <summary>The agent understood nothing it could do (permanent).</summary>
    NoAction = 16,
}
