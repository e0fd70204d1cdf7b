using System.Text.Json.Nodes;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tools;

public sealed partial class ToolInvoker
{
    /// <summary><c>get_account_balance</c>: SOL and token balances of a wallet, or one token account.</summary>
    private ToolOutcome AccountBalance(ToolArguments args)
    {
        var pubkey = args.Address("pubkey", "user_pubkey", "wallet");
        var filter = args.OptionalMint("token_mint", "mint");
        var account = _ledger.Find(pubkey);
        var json = new JsonObject
        {
            ["pubkey"] = pubkey,
            ["exists"] = account is not null,
        };
        if (account?.Token is { } token)
        {
            var info = TokenCatalog.FindByMint(token.Mint);
            json["account_type"] = "token_account";
            json["sol_balance"] = account.Lamports;
            json["token_balances"] = new JsonArray(Balance(pubkey, token.Mint, token.Amount, info));
            return ToolOutcome.Ok(json);
        }

        json["account_type"] = "wallet";
        json["sol_balance"] = _ledger.LamportsOf(pubkey);
        var balances = new JsonArray();
        foreach (var tokenAccount in _ledger.TokenAccountsOf(pubkey))
        {
            var mint = tokenAccount.Token!.Mint;
            if (filter is null || filter.Mint == mint)
            {
                balances.Add(Balance(tokenAccount.Pubkey, mint, tokenAccount.Token.Amount, TokenCatalog.FindByMint(mint)));
            }
        }

        json["token_balances"] = balances;
        return ToolOutcome.Ok(json);
    }

    /// <summary><c>get_jupiter_lend_earn_position</c>: positions (shares, value, rate) and earnings (value − net deposits).</summary>
    private ToolOutcome LendPosition(ToolArguments args)
    {
        var user = args.Address("user_pubkey", "pubkey");
        var operation = args.OptionalText("operation")?.Trim().ToLowerInvariant() ?? "both";
        if (operation is not ("positions" or "earnings" or "both"))
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.GetJupiterLendEarnPosition}: argument \"operation\" must be positions, earnings or both, not \"{operation}\"");
        }

        var positions = new JsonArray();
        var earnings = new JsonArray();
        decimal totalEarningsUsd = 0;
        foreach (var pool in _ledger.Pools)
        {
            var share = TokenCatalog.FindByMint(pool.ShareMint)!;
            var asset = TokenCatalog.FindByMint(pool.AssetMint)!;
            var shares = _ledger.TokenBalanceOf(user, pool.ShareMint);
            var basis = _ledger.NetDepositedOf(user, pool.AssetMint);
            if (shares == 0 && basis == 0)
            {
                continue;
            }

            var value = _ledger.PreviewAssetsForShares(pool.AssetMint, shares);
            var earned = value > basis ? value - basis : 0;
            var address = AssociatedTokenAddress.Derive(user, pool.ShareMint);
            totalEarningsUsd += asset.ValueUsd(earned);
            positions.Add(new JsonObject
            {
                ["position_address"] = address,
                ["token"] = new JsonObject { ["symbol"] = share.Symbol, ["mint"] = share.Mint, ["asset_symbol"] = asset.Symbol, ["asset_mint"] = asset.Mint },
                ["shares"] = shares,
                ["underlying_assets"] = value,
                ["underlying_value_usd"] = (double)asset.ValueUsd(value),
                ["rates"] = new JsonObject { ["supply_rate_pct"] = pool.SupplyRateBps / 100.0 },
            });
            earnings.Add(new JsonObject
            {
                ["position_address"] = address,
                ["asset_symbol"] = asset.Symbol,
                ["net_deposited"] = basis,
                ["current_value"] = value,
                ["earnings"] = earned,
            });
        }

        var json = new JsonObject { ["user_pubkey"] = user, ["operation"] = operation };
        if (operation is "positions" or "both")
        {
            json["positions"] = new JsonObject { ["total_positions"] = positions.Count, ["summary"] = positions };
        }

        if (operation is "earnings" or "both")
        {
            json["earnings"] = new JsonObject
            {
                ["total_positions"] = earnings.Count,
                ["summary"] = new JsonObject { ["total_earnings"] = new JsonObject { ["decimal"] = (double)totalEarningsUsd, ["currency"] = "USD" } },
                ["positions"] = earnings,
            };
        }

        return ToolOutcome.Ok(json);
    }

    /// <summary><c>get_jupiter_lend_earn_tokens</c>: the lend tokens with their assets, prices, rates and exchange rates.</summary>
    private ToolOutcome LendTokens(ToolArguments args)
    {
        var symbol = args.OptionalText("symbol")?.Trim();
        var mint = args.OptionalText("mint_address")?.Trim();
        var tokens = new JsonArray();
        foreach (var pool in _ledger.Pools)
        {
            var share = TokenCatalog.FindByMint(pool.ShareMint)!;
            var asset = TokenCatalog.FindByMint(pool.AssetMint)!;
            if ((symbol is not null && !symbol.Equals(share.Symbol, StringComparison.OrdinalIgnoreCase) && !symbol.Equals(asset.Symbol, StringComparison.OrdinalIgnoreCase)) ||
                (mint is not null && mint != share.Mint && mint != asset.Mint))
            {
                continue;
            }

            tokens.Add(new JsonObject
            {
                ["id"] = share.Symbol.ToLowerInvariant(),
                ["address"] = share.Mint,
                ["name"] = $"Jupiter Lend {asset.Symbol}",
                ["symbol"] = share.Symbol,
                ["decimals"] = share.Decimals,
                ["asset_address"] = asset.Mint,
                ["asset"] = new JsonObject { ["symbol"] = asset.Symbol, ["price"] = (double)asset.PriceUsd, ["decimals"] = asset.Decimals },
                ["rates"] = new JsonObject { ["supply_rate_pct"] = pool.SupplyRateBps / 100.0 },
                ["exchange_rate"] = (double)_ledger.ExchangeRateOf(pool.AssetMint),
                ["total_assets"] = pool.TotalAssets,
            });
        }

        return ToolOutcome.Ok(new JsonObject { ["tokens"] = tokens, ["count"] = tokens.Count });
    }

    private static JsonObject Balance(string account, string mint, ulong amount, TokenInfo? info) => new()
    {
        ["account"] = account,
        ["mint"] = mint,
        ["symbol"] = info?.Symbol ?? "unknown",
        ["amount"] = amount,
        ["decimals"] = info?.Decimals ?? 0,
        ["ui_amount"] = info is null ? 0 : (double)(amount / info.UnitsPerToken),
    };
}
