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
}
