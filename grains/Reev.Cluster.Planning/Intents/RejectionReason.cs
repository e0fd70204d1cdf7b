namespace Reev.Cluster.Planning.Intents;

/// <summary>Why a prompt was rejected. Stable codes: the API and CLI report them as written.</summary>
public enum RejectionReason
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary>The prompt is empty or whitespace.</summary>
    Empty = 1,

    /// <summary>The prompt is longer than <see cref="PromptValidator.MaxPromptLength"/> characters.</summary>
    TooLong = 2,

    /// <summary>The prompt asks to drain, steal, hack or exploit.</summary>
    AbusiveIntent = 3,

    /// <summary>A token symbol the price oracle does not know.</summary>
    UnknownToken = 4,

    /// <summary>An amount larger than the wallet holds.</summary>
    AmountAboveBalance = 5,

    /// <summary>A negative, zero, non-numeric or out-of-range amount.</summary>
    InvalidAmount = 6,

    /// <summary>A recipient that is not a base58 address (or a placeholder).</summary>
    InvalidAddress = 7,

    /// <summary>No action the planner knows (swap, lend, withdraw, mint, redeem, send, check).</summary>
    UnrecognizedIntent = 8,

    /// <summary>An action without a token it needs ("swap 1 SOL" with no output token).</summary>
    MissingToken = 9,

    /// <summary>A transfer without a recipient.</summary>
    MissingRecipient = 10,

    /// <summary>An amount that refers to a previous step where there is none, or one that produces nothing.</summary>
    InvalidReference = 11,

    /// <summary>A swap whose input and output are the same token.</summary>
    SameInputAndOutput = 12,

    /// <summary>An action that moves tokens but gives no amount ("swap SOL to USDC").</summary>
    MissingAmount = 13,

    /// <summary>A known token the action cannot use (Jupiter lending has no BONK pool).</summary>
    UnsupportedToken = 14,
}
