namespace Reev.Cluster.Flows.Agents;

/// <summary>What a prompt clause asks for.</summary>
internal enum PromptIntent
{
    None = 0,
    Swap = 1,
    Buy = 2,
    Deposit = 3,
    Withdraw = 4,
    Mint = 5,
    Redeem = 6,
    Transfer = 7,
    Positions = 8,
    Balance = 9,
    LendTokens = 10,

    /// <summary>Redeem every lending position held (expanded by the agent from the ledger).</summary>
    ExitPositions = 11,

    /// <summary>Deposit a share of every lendable holding (expanded by the agent from the ledger).</summary>
    DepositEach = 12,
}
