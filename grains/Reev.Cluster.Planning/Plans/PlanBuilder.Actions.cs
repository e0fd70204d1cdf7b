using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.Planning.Intents;
using Reev.Cluster.Planning.Templates;

namespace Reev.Cluster.Planning.Plans;

internal sealed partial class PlanBuilder
{
    private static readonly RecoveryPolicy SwapRecovery = new(2, [RecoveryHint.ReduceAmount, RecoveryHint.AlternateVenue]);
    private static readonly RecoveryPolicy DepositRecovery = new(2, [RecoveryHint.ReduceAmount]);

    private PromptError? AddSwap(IntentStep action)
    {
        var input = Token(action.InputToken);
        var output = Token(action.OutputToken);
        if (input is null || output is null)
        {
            return Reject(RejectionReason.UnknownToken, action, $"step {action.Index} swaps a token the price oracle does not know");
        }

        if (_context.PriceOf(input.Symbol) is not { } inPrice || _context.PriceOf(output.Symbol) is not { } outPrice || inPrice <= 0 || outPrice <= 0)
        {
            return Reject(RejectionReason.UnknownToken, action, $"step {action.Index}: the price oracle has no price for {input.Symbol} or {output.Symbol}");
        }

        PlannedAmount amount;
        if (action.Amount is null)
        {
            // "multiply usdc 1.5x": spend what brings the output holding to the target multiple.
            var held = _sheet.Balance(output.Mint);
            if (action.TargetMultiplier is not { } multiplier || multiplier <= 1m || held == 0)
            {
                return Reject(RejectionReason.MissingAmount, action, $"step {action.Index} (\"{action.Text}\") gives no amount, and a multiplier target needs a {output.Symbol} balance above 0 and a factor above 1");
            }

            var neededUsd = held / output.UnitsPerToken * (multiplier - 1m) * outPrice;
            var needed = decimal.Ceiling(neededUsd / inPrice * input.UnitsPerToken);
            if (needed > ulong.MaxValue)
            {
                return Reject(RejectionReason.AmountAboveBalance, action, $"step {action.Index} (\"{action.Text}\") would need more {input.Symbol} than any balance holds");
            }

            var units = (ulong)needed;
            var resolved = ResolveAmount(action with { Amount = AmountSpec.Exact(units / input.UnitsPerToken, input.Symbol) }, input, _sheet.Balance(input.Mint), false);
            if (resolved.Error is { } error)
            {
                return error;
            }

            amount = resolved.Amount!;
        }
        else
        {
            var resolved = ResolveAmount(action, input, _sheet.Balance(input.Mint), _sheet.IsChanged(input.Mint));
            if (resolved.Error is { } error)
            {
                return error;
            }

            amount = resolved.Amount!;
        }

        var spent = Expected(amount);
        // Saturated: a whole u64 of SOL is worth more BONK base units than u64 holds.
        var estimated = decimal.Floor(spent / input.UnitsPerToken * inPrice / outPrice * output.UnitsPerToken);
        var estimate = estimated >= ulong.MaxValue ? ulong.MaxValue : (ulong)estimated;
        var minimum = (ulong)((UInt128)estimate * (10_000UL - Planner.DefaultSlippageBps) / 10_000UL);
        var index = _steps.Count + 1;
        var data = StepData(index, "Swap " + input.Symbol + " to " + output.Symbol + " on Jupiter", input, amount);
        data["from"] = input.Symbol;
        data["to"] = output.Symbol;
        data["to_account"] = output.Mint == TokenCatalog.SolMint ? null : PlaceholderNames.TokenAccount(output);
        data["estimate"] = AmountFormat.Units(estimate, output.Decimals);
        data["minimum"] = AmountFormat.Units(minimum, output.Decimals);
        _sheet.Spend(input.Mint, spent);
        _sheet.Receive(output.Mint, minimum);
        ChargeFee();
        _receipts[index] = (output, minimum, "the swap");
        if (action.TargetMultiplier is { } target)
        {
            data["title"] = $"Swap {input.Symbol} to {output.Symbol} on Jupiter (target {target}x {output.Symbol})";
        }

        return Add(Step(index, "swap", action.Action, ToolNames.JupiterSwap, TemplateNames.JupiterSwap, data, amount, critical: true, 30, SwapRecovery,
        [
            ToolArgument.Text("user_pubkey", PlaceholderNames.Wallet),
            ToolArgument.Text("input_mint", input.Mint),
            ToolArgument.Text("output_mint", output.Mint),
            .. AmountArgument("amount", amount),
            ToolArgument.Number("slippage_bps", Planner.DefaultSlippageBps),
        ]));
    }

    private PromptError? AddDeposit(IntentStep action)
    {
        var asset = Token(action.InputToken ?? action.Amount?.Token);
        if (asset is null || asset.IsLendingShare || TokenCatalog.ShareTokenOf(asset.Mint) is not { } share)
        {
            return Reject(asset is null ? RejectionReason.UnknownToken : RejectionReason.UnsupportedToken, action, $"step {action.Index}: Jupiter lending has no pool for {action.InputToken ?? "that token"} (it lends SOL, USDC and USDT)");
        }

        var resolved = ResolveAmount(action, asset, _sheet.Balance(asset.Mint), _sheet.IsChanged(asset.Mint));
        if (resolved.Error is { } error)
        {
            return error;
        }

        var amount = resolved.Amount!;
        var assets = Expected(amount);
        var shares = _sheet.SharesFor(share, assets);
        var index = _steps.Count + 1;

        // Minting takes a share count; an amount known only at run time is deposited instead (same effect).
        var mint = action.Action == ActionKind.Mint && !amount.IsDeferred;
        if (mint && shares == 0)
        {
            return Reject(RejectionReason.InvalidAmount, action, $"step {action.Index}: {amount} is too small to mint one {share.Symbol} unit");
        }

        var data = StepData(index, mint ? $"Mint {share.Symbol} with {asset.Symbol} on Jupiter lending" : $"Deposit {asset.Symbol} into Jupiter lending", asset, amount);
        data["share"] = share.Symbol;
        _sheet.Spend(asset.Mint, assets);
        _sheet.Receive(share.Mint, shares);
        ChargeFee();
        _receipts[index] = (share, shares, mint ? "the mint" : "the deposit");
        if (mint)
        {
            var minted = PlannedAmount.Fixed(share.Mint, share.Symbol, share.Decimals, shares);
            return Add(Step(index, "mint", ActionKind.Mint, ToolNames.JupiterLendEarnMint, TemplateNames.JupiterMint, data, minted, critical: true, 30, DepositRecovery,
                [ToolArgument.Text("signer", PlaceholderNames.Wallet), ToolArgument.Text("asset", asset.Mint), ToolArgument.Number("shares", shares)]));
        }

        return Add(Step(index, "lend", ActionKind.Lend, ToolNames.JupiterLendEarnDeposit, TemplateNames.JupiterLend, data, amount, critical: true, 45, DepositRecovery,
            [ToolArgument.Text("user_pubkey", PlaceholderNames.Wallet), ToolArgument.Text("asset_mint", asset.Mint), .. AmountArgument("amount", amount)]));
    }

    private PromptError? AddWithdraw(IntentStep action)
    {
        var named = Token(action.InputToken ?? action.Amount?.Token);
        var asset = named is { UnderlyingMint: { } underlying } ? TokenCatalog.FindByMint(underlying) : named;
        if (asset is null || TokenCatalog.ShareTokenOf(asset.Mint) is not { } share)
        {
            return Reject(asset is null ? RejectionReason.UnknownToken : RejectionReason.UnsupportedToken, action, $"step {action.Index}: Jupiter lending has no pool for {action.InputToken ?? "that token"}");
        }

        var resolved = ResolveAmount(action, asset, _sheet.PositionAssets(share), _sheet.IsChanged(share.Mint));
        if (resolved.Error is { } error)
        {
            return error;
        }

        var amount = resolved.Amount!;
        var assets = Expected(amount);
        var index = _steps.Count + 1;
        var data = StepData(index, $"Withdraw {asset.Symbol} from Jupiter lending", asset, amount);
        _sheet.Spend(share.Mint, _sheet.SharesToWithdraw(share, assets));
        _sheet.Receive(asset.Mint, assets);
        ChargeFee();
        _receipts[index] = (asset, assets, "the withdrawal");
        return Add(Step(index, "withdraw", action.Action, ToolNames.JupiterLendEarnWithdraw, TemplateNames.JupiterWithdraw, data, amount, critical: true, 30, RecoveryPolicy.RetryOnly,
            [ToolArgument.Text("user_pubkey", PlaceholderNames.Wallet), ToolArgument.Text("asset_mint", asset.Mint), .. AmountArgument("amount", amount)]));
    }

    private PromptError? AddRedeem(IntentStep action)
    {
        var named = Token(action.InputToken ?? action.Amount?.Token);
        var share = named is null ? null : named.IsLendingShare ? named : TokenCatalog.ShareTokenOf(named.Mint);
        if (share?.UnderlyingMint is not { } underlying || TokenCatalog.FindByMint(underlying) is not { } asset)
        {
            return Reject(named is null ? RejectionReason.UnknownToken : RejectionReason.UnsupportedToken, action, $"step {action.Index}: {action.InputToken ?? "that token"} is not a Jupiter lending share token");
        }

        var resolved = ResolveAmount(action, share, _sheet.Balance(share.Mint), _sheet.IsChanged(share.Mint));
        if (resolved.Error is { } error)
        {
            return error;
        }

        var amount = resolved.Amount!;
        var shares = Expected(amount);
        var index = _steps.Count + 1;
        var data = StepData(index, $"Redeem {share.Symbol} for {asset.Symbol} on Jupiter lending", share, amount);
        data["asset"] = asset.Symbol;
        // In 128 bits: a position's assets times its shares passes u64 from about 4.3 SOL (or 4,295 USDC) on.
        var assets = (ulong)((UInt128)_sheet.PositionAssets(share) * shares / Math.Max(1, _sheet.Balance(share.Mint)));
        _sheet.Spend(share.Mint, shares);
        _sheet.Receive(asset.Mint, assets);
        ChargeFee();
        _receipts[index] = (asset, assets, "the redemption");
        return Add(Step(index, "redeem", action.Action, ToolNames.JupiterLendEarnRedeem, TemplateNames.JupiterRedeem, data, amount, critical: true, 30, RecoveryPolicy.RetryOnly,
            [ToolArgument.Text("signer", PlaceholderNames.Wallet), ToolArgument.Text("asset", asset.Mint), .. AmountArgument("shares", amount)]));
    }

    private PromptError? AddTransfer(IntentStep action)
    {
        var token = Token(action.InputToken ?? action.Amount?.Token);
        if (token is null)
        {
            return Reject(RejectionReason.UnknownToken, action, $"step {action.Index} sends a token the price oracle does not know");
        }

        if (action.Recipient is not { } recipient)
        {
            return Reject(RejectionReason.MissingRecipient, action, $"step {action.Index} has no recipient");
        }

        if (recipient == _context.Wallet || recipient == PlaceholderNames.Wallet)
        {
            return Reject(RejectionReason.InvalidAddress, action, $"step {action.Index} sends to the wallet itself");
        }

        var resolved = ResolveAmount(action, token, _sheet.Balance(token.Mint), _sheet.IsChanged(token.Mint));
        if (resolved.Error is { } error)
        {
            return error;
        }

        var amount = resolved.Amount!;
        var index = _steps.Count + 1;
        var isSol = token.Mint == TokenCatalog.SolMint;
        var data = StepData(index, $"Send {token.Symbol} to {Short(recipient)}", token, amount);
        data["recipient"] = recipient;
        data["mint"] = isSol ? null : token.Mint;
        data["from_account"] = isSol ? null : PlaceholderNames.TokenAccount(token);
        _sheet.Spend(token.Mint, Expected(amount));
        ChargeFee();
        List<ToolArgument> arguments = [ToolArgument.Text("user_pubkey", PlaceholderNames.Wallet), ToolArgument.Text("recipient_pubkey", recipient)];
        if (!isSol)
        {
            arguments.Add(ToolArgument.Text("mint_address", token.Mint));
        }

        arguments.AddRange(AmountArgument("amount", amount));
        return Add(Step(index, "transfer", action.Action, isSol ? ToolNames.SolTransfer : ToolNames.SplTransfer, TemplateNames.BaseTransfer, data, amount, critical: true, 20, RecoveryPolicy.RetryOnly, arguments));
    }

    private PlannedStep BalanceStep(string id)
    {
        var index = _steps.Count + 1;
        var data = StepData(index, "Check wallet balances", null, null);
        return Step(index, id, ActionKind.CheckBalances, ToolNames.GetAccountBalance, TemplateNames.BaseBalance, data, null, critical: false, 10, RecoveryPolicy.RetryOnly,
            [ToolArgument.Text("pubkey", PlaceholderNames.Wallet)]);
    }

    private PlannedStep PositionsStep(string id)
    {
        var index = _steps.Count + 1;
        var data = StepData(index, "Check Jupiter lending positions and earnings", null, null);
        return Step(index, id, ActionKind.CheckPositions, ToolNames.GetJupiterLendEarnPosition, TemplateNames.JupiterPositions, data, null, critical: false, 15, RecoveryPolicy.RetryOnly,
            [ToolArgument.Text("user_pubkey", PlaceholderNames.Wallet), ToolArgument.Text("operation", "both")]);
    }

    private PlannedStep Step(
        int index, string id, ActionKind action, string tool, string template, Dictionary<string, object?> data, PlannedAmount? amount,
        bool critical, int timeoutSeconds, RecoveryPolicy recovery, IEnumerable<ToolArgument> arguments)
    {
        _stepData.Add(data);
        var prompt = _templates.Render(template, data);
        var description = _templates.Render(TemplateNames.BaseDescription, data);
        EquatableArray<int> dependsOn = amount?.FromStep is { } from ? [from] : default;
        var stepId = id.Contains('_', StringComparison.Ordinal) ? id : $"{id}_{index}";
        return new PlannedStep(index, stepId, action, tool, description, prompt, new EquatableArray<ToolArgument>(arguments), amount, critical, timeoutSeconds, recovery, dependsOn);
    }

    private static IEnumerable<ToolArgument> AmountArgument(string name, PlannedAmount amount) =>
        amount.BaseUnits is { } units ? [ToolArgument.Number(name, units)] : [];

    private static TokenInfo? Token(string? symbol) => symbol is null ? null : TokenCatalog.FindBySymbol(symbol) ?? TokenCatalog.FindByMint(symbol);

    private static string Short(string address) => address.Length > 12 ? $"{address[..4]}…{address[^4..]}" : address;
}
