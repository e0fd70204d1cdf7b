namespace Reev.Cluster.Flows.Tools;

/// <summary>The tool definitions (name, description, JSON-schema parameters) given to LLM agents.</summary>
public static class ToolCatalog
{
    private const string Amount = """{"type":"integer","minimum":1,"description":"amount in base units (lamports for SOL, 10^decimals per token)"}""";
    private const string Pubkey = """{"type":"string","description":"base58 address or a placeholder such as USER_WALLET_PUBKEY"}""";
    private const string Mint = """{"type":"string","description":"mint address or symbol (SOL, USDC, USDT, BONK, mSOL)"}""";

    /// <summary>Every tool, in <see cref="ToolNames.All"/> order.</summary>
    public static IReadOnlyList<ToolDefinition> Definitions { get; } =
    [
        new(ToolNames.SolTransfer, "Transfer native SOL (lamports) from the user's wallet to a recipient.",
            Schema(Props(("user_pubkey", Pubkey), ("recipient_pubkey", Pubkey), ("amount", Amount), ("operation", """{"type":"string","enum":["sol","spl"]}"""), ("mint_address", Mint)), "user_pubkey", "recipient_pubkey", "amount"),
            false),
        new(ToolNames.SplTransfer, "Transfer SPL tokens from the user's token account to a recipient wallet or token account.",
            Schema(Props(("user_pubkey", Pubkey), ("recipient_pubkey", Pubkey), ("mint_address", Mint), ("amount", Amount), ("source_account", Pubkey)), "user_pubkey", "recipient_pubkey", "mint_address", "amount"),
            false),
        new(ToolNames.JupiterSwap, "Swap tokens with Jupiter at the oracle price minus fee and price impact; fails with 0x1771 past slippage.",
            Schema(Props(("user_pubkey", Pubkey), ("input_mint", Mint), ("output_mint", Mint), ("amount", Amount), ("slippage_bps", """{"type":"integer","minimum":1,"maximum":1000}""")), "user_pubkey", "input_mint", "output_mint", "amount"),
            false),
        new(ToolNames.JupiterLendEarnDeposit, "Deposit assets (SOL, USDC, USDT) into Jupiter Lend Earn and receive jl-token shares.",
            Schema(Props(("user_pubkey", Pubkey), ("asset_mint", Mint), ("amount", Amount)), "user_pubkey", "asset_mint", "amount"),
            false),
        new(ToolNames.JupiterLendEarnWithdraw, "Withdraw an amount of assets from Jupiter Lend Earn, burning the needed shares.",
            Schema(Props(("user_pubkey", Pubkey), ("asset_mint", Mint), ("amount", Amount)), "user_pubkey", "asset_mint", "amount"),
            false),
        new(ToolNames.JupiterLendEarnMint, "Mint an exact number of jl-token shares, paying the assets they are worth.",
            Schema(Props(("signer", Pubkey), ("asset", Mint), ("shares", Amount)), "signer", "asset", "shares"),
            false),
        new(ToolNames.JupiterLendEarnRedeem, "Redeem an exact number of jl-token shares for their assets.",
            Schema(Props(("signer", Pubkey), ("asset", Mint), ("shares", Amount)), "signer", "asset", "shares"),
            false),
        new(ToolNames.GetAccountBalance, "Read the SOL balance and token balances of a wallet or token account.",
            Schema(Props(("pubkey", Pubkey), ("token_mint", Mint)), "pubkey"),
            true),
        new(ToolNames.GetJupiterLendEarnPosition, "Read the user's Jupiter Lend Earn positions and earnings.",
            Schema(Props(("user_pubkey", Pubkey), ("operation", """{"type":"string","enum":["positions","earnings","both"]}""")), "user_pubkey"),
            true),
        new(ToolNames.GetJupiterLendEarnTokens, "List the Jupiter Lend Earn tokens with prices, supply rates and exchange rates.",
            Schema(Props(("symbol", """{"type":"string"}"""), ("mint_address", """{"type":"string"}"""))),
            true),
    ];

    /// <summary>The definition of a tool, or null.</summary>
    public static ToolDefinition? Find(string name) => Definitions.FirstOrDefault(d => d.Name == name);

    private static string Props(params (string Name, string Schema)[] properties) =>
        "{" + string.Join(",", properties.Select(static p => "\"" + p.Name + "\":" + p.Schema)) + "}";

    private static string Schema(string properties, params string[] required) =>
        "{\"type\":\"object\",\"properties\":" + properties + ",\"required\":[" + string.Join(",", required.Select(static r => "\"" + r + "\"")) + "]}";
}
