using System.Text.Json.Nodes;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tools;

public sealed partial class ToolInvoker
{
    /// <summary><c>jupiter_lend_earn_deposit</c>: assets in, shares out at the pool's exchange rate.</summary>
    private ToolOutcome LendDeposit(ToolArguments args)
    {
        var user = Signer(args, "user_pubkey", "signer");
        var (asset, share) = Pool(args, ToolNames.JupiterLendEarnDeposit);
        var amount = args.Amount("amount", "assets");
        var instructions = new List<LedgerInstruction>();
        var rent = EnsureAta(instructions, user, user, share.Mint);
        RequireBalance(user, asset, amount, SimulatedLedger.SignatureFee + rent);
        if (_ledger.PreviewSharesForAssets(asset.Mint, amount) == 0)
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{ToolNames.JupiterLendEarnDeposit}: {amount} is too small to mint a share");
        }

        instructions.Add(LedgerInstructions.Lend("deposit", user, asset.Mint, share.Mint, amount));
        return Lend(user, asset, share, instructions, "deposited_assets", amount);
    }

    /// <summary><c>jupiter_lend_earn_withdraw</c>: an amount of assets out, the needed shares (rounded up) burned.</summary>
    private ToolOutcome LendWithdraw(ToolArguments args)
    {
        var user = Signer(args, "user_pubkey", "signer");
        var (asset, share) = Pool(args, ToolNames.JupiterLendEarnWithdraw);
        var amount = args.Amount("amount", "assets");
        var instructions = new List<LedgerInstruction>();
        var rent = EnsureAta(instructions, user, user, asset.Mint);
        var held = _ledger.TokenBalanceOf(user, share.Mint);
        var value = _ledger.PreviewAssetsForShares(asset.Mint, held);
        if (value < amount)
        {
            throw new ToolInputException(FlowErrorKind.InsufficientFunds,
                $"Insufficient funds: requested {amount} {asset.Symbol} base units, available {value} (position of {held} {share.Symbol})");
        }

        RequireBalance(user, TokenCatalog.FindByMint(TokenCatalog.SolMint)!, 0, SimulatedLedger.SignatureFee + rent);
        instructions.Add(LedgerInstructions.Lend("withdraw", user, asset.Mint, share.Mint, amount));
        return Lend(user, asset, share, instructions, "withdrawn_assets", amount);
    }

    /// <summary><c>jupiter_lend_earn_mint</c>: a number of shares out, the needed assets (rounded up) in.</summary>
    private ToolOutcome LendMint(ToolArguments args)
    {
        var user = Signer(args, "signer", "user_pubkey");
        var (asset, share) = Pool(args, ToolNames.JupiterLendEarnMint);
        var shares = args.Amount("shares", "amount");
        var instructions = new List<LedgerInstruction>();
        var rent = EnsureAta(instructions, user, user, share.Mint);
        // The preview rounds down; the program rounds the cost up, so a one-unit shortfall fails on chain.
        RequireBalance(user, asset, _ledger.PreviewAssetsForShares(asset.Mint, shares), SimulatedLedger.SignatureFee + rent);
        instructions.Add(LedgerInstructions.Lend("mint", user, asset.Mint, share.Mint, shares));
        return Lend(user, asset, share, instructions, "minted_shares", shares);
    }

    /// <summary><c>jupiter_lend_earn_redeem</c>: a number of shares burned, their assets (rounded down) out.</summary>
    private ToolOutcome LendRedeem(ToolArguments args)
    {
        var user = Signer(args, "signer", "user_pubkey");
        var (asset, share) = Pool(args, ToolNames.JupiterLendEarnRedeem);
        var shares = args.Amount("shares", "amount");
        var instructions = new List<LedgerInstruction>();
        var rent = EnsureAta(instructions, user, user, asset.Mint);
        var held = _ledger.TokenBalanceOf(user, share.Mint);
        if (held < shares)
        {
            throw new ToolInputException(FlowErrorKind.InsufficientFunds, $"Insufficient funds: requested {shares} {share.Symbol}, available {held}");
        }

        RequireBalance(user, TokenCatalog.FindByMint(TokenCatalog.SolMint)!, 0, SimulatedLedger.SignatureFee + rent);
        instructions.Add(LedgerInstructions.Lend("redeem", user, asset.Mint, share.Mint, shares));
        return Lend(user, asset, share, instructions, "redeemed_shares", shares);
    }

    /// <summary>The pool's asset and share tokens; a share mint given as the asset is read as its pool.</summary>
    private static (TokenInfo Asset, TokenInfo Share) Pool(ToolArguments args, string tool)
    {
        var token = args.Mint("asset_mint", "asset", "mint");
        var asset = token.IsLendingShare ? TokenCatalog.FindByMint(token.UnderlyingMint!)! : token;
        var share = TokenCatalog.ShareTokenOf(asset.Mint)
            ?? throw new ToolInputException(FlowErrorKind.InvalidMint, $"{tool}: no Jupiter Lend Earn pool for {asset.Symbol} (pools: USDC, USDT, SOL)");
        return (asset, share);
    }

    private ToolOutcome Lend(string user, TokenInfo asset, TokenInfo share, List<LedgerInstruction> instructions, string amountField, ulong amount)
    {
        var assetsBefore = _ledger.TokenBalanceOf(user, asset.Mint);
        var sharesBefore = _ledger.TokenBalanceOf(user, share.Mint);
        var result = Send(user, [.. instructions]);
        if (result.Failure is { } failure)
        {
            return ToolOutcome.Fail(failure);
        }

        var json = Transaction(result);
        json["asset_mint"] = asset.Mint;
        json["share_mint"] = share.Mint;
        json[amountField] = amount;
        json["shares_delta"] = (long)_ledger.TokenBalanceOf(user, share.Mint) - (long)sharesBefore;
        json["assets_delta"] = (long)_ledger.TokenBalanceOf(user, asset.Mint) - (long)assetsBefore;
        json["exchange_rate"] = (double)_ledger.ExchangeRateOf(asset.Mint);
        return ToolOutcome.Ok(json);
    }
}
