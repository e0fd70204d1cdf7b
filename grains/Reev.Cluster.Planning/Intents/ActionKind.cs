namespace Reev.Cluster.Planning.Intents;

/// <summary>What one clause of a prompt asks for.</summary>
public enum ActionKind
{
    /// <summary>Swap one token for another (swap, exchange, convert, trade, buy, sell).</summary>
    Swap = 0,

    /// <summary>Deposit into Jupiter Lend Earn (lend, deposit, supply).</summary>
    Lend = 1,

    /// <summary>Withdraw from Jupiter Lend Earn.</summary>
    Withdraw = 2,

    /// <summary>Mint Jupiter Lend Earn shares from an asset.</summary>
    Mint = 3,

    /// <summary>Redeem Jupiter Lend Earn shares for the asset.</summary>
    Redeem = 4,

    /// <summary>Send SOL or an SPL token to an address.</summary>
    Transfer = 5,

    /// <summary>Read the wallet's balances.</summary>
    CheckBalances = 6,

    /// <summary>Read the wallet's lending positions and earnings.</summary>
    CheckPositions = 7,
}
