namespace Reev.Cluster.Flows.Tools;

/// <summary>The reference tool names (REFERENCE §6), kept verbatim.</summary>
public static class ToolNames
{
    public const string SolTransfer = "sol_transfer";
    public const string SplTransfer = "spl_transfer";
    public const string JupiterSwap = "jupiter_swap";
    public const string JupiterLendEarnDeposit = "jupiter_lend_earn_deposit";
    public const string JupiterLendEarnWithdraw = "jupiter_lend_earn_withdraw";
    public const string JupiterLendEarnMint = "jupiter_lend_earn_mint";
    public const string JupiterLendEarnRedeem = "jupiter_lend_earn_redeem";
    public const string GetAccountBalance = "get_account_balance";
    public const string GetJupiterLendEarnPosition = "get_jupiter_lend_earn_position";
    public const string GetJupiterLendEarnTokens = "get_jupiter_lend_earn_tokens";

    /// <summary>Every tool name, in the reference order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        SolTransfer, SplTransfer, JupiterSwap, JupiterLendEarnDeposit, JupiterLendEarnWithdraw,
        JupiterLendEarnMint, JupiterLendEarnRedeem, GetAccountBalance, GetJupiterLendEarnPosition,
        GetJupiterLendEarnTokens,
    ];
}
