using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Agents;

/// <summary>
/// The default, offline agent: reads the step prompt with <see cref="PromptReader"/> and the wallet's balances,
/// chooses tools and arguments by rules, and calls them in order. Amounts: "0.1 SOL" (whole tokens, any case),
/// "50% of my SOL" (of the current balance), "all"/"full balance" (SOL keeps <see cref="SolReserveLamports"/>),
/// "it"/"what I received" (the previous clause's output, else what earlier steps received, else all).
/// A withdrawal of ≥ 99% of a position redeems every share so no dust remains. Recovery hints override the
/// amount, scale it, or pick the swap venue. Stops at the first failed tool call.
/// </summary>
public sealed class DeterministicAgent : IFlowAgent
{
    /// <summary>Registry name.</summary>
    public const string AgentName = "deterministic";

    /// <summary>Lamports kept for fees and rent when a prompt spends "all" SOL.</summary>
    public const ulong SolReserveLamports = 10_000_000;

    /// <inheritdoc/>
    public string Name => AgentName;

    /// <inheritdoc/>
    public async Task<AgentResult> RunAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var clauses = PromptReader.Read(request.Prompt);
        var user = Wallet(request);
        if (user is null)
        {
            return new AgentResult(default(EquatableArray<ToolCallRecord>), "no wallet: the key map has no USER_WALLET_PUBKEY");
        }

        var actions = Expand(clauses.Where(static c => c.Intent != PromptIntent.None), request.Ledger, user);
        if (actions.Count == 0)
        {
            return new AgentResult(default(EquatableArray<ToolCallRecord>), $"nothing to do: no action understood in \"{Shorten(request.Prompt)}\"");
        }

        var calls = new List<ToolCallRecord>();
        var notes = new List<string>();
        (string Mint, ulong Amount)? lastOutput = null;
        var mainAction = actions.FindIndex(static c => c.Intent is not (PromptIntent.Balance or PromptIntent.Positions or PromptIntent.LendTokens));
        for (var i = 0; i < actions.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new ClauseContext(request, user, lastOutput, i == mainAction ? request.Hints : AgentHints.None);
            var plan = Plan(actions[i], context);
            if (plan.Error is { } error)
            {
                notes.Add(error);
                break;
            }

            var record = await request.Tools.InvokeAsync(plan.Tool!, plan.Arguments!.ToJsonString(), cancellationToken).ConfigureAwait(false);
            calls.Add(record);
            if (!record.Success)
            {
                notes.Add($"{record.ToolName} failed: {record.Error?.Message}");
                break;
            }

            notes.Add($"{record.ToolName} ok");
            lastOutput = OutputOf(record) ?? lastOutput;
        }

        return new AgentResult(new EquatableArray<ToolCallRecord>(calls), string.Join("; ", notes));
    }

    /// <summary>Strategy clauses become one clause per position or holding they cover.</summary>
    private static List<PromptClause> Expand(IEnumerable<PromptClause> clauses, Ledger.ILedgerReader ledger, string user)
    {
        var expanded = new List<PromptClause>();
        foreach (var clause in clauses)
        {
            switch (clause.Intent)
            {
                case PromptIntent.ExitPositions:
                    foreach (var share in TokenCatalog.All.Where(t => t.IsLendingShare && ledger.TokenBalanceOf(user, t.Mint) > 0))
                    {
                        expanded.Add(clause with { Intent = PromptIntent.Redeem, Amount = new PromptAmount.All(share.Symbol), Symbols = [share.Symbol] });
                    }

                    break;
                case PromptIntent.DepositEach when clause.Amount is PromptAmount.Percent percent:
                    foreach (var asset in TokenCatalog.All.Where(t => !t.IsLendingShare && TokenCatalog.ShareTokenOf(t.Mint) is not null && ledger.TokenBalanceOf(user, t.Mint) > 0))
                    {
                        expanded.Add(clause with { Intent = PromptIntent.Deposit, Amount = percent with { Symbol = asset.Symbol }, Symbols = [asset.Symbol] });
                    }

                    break;
                default:
                    expanded.Add(clause);
                    break;
            }
        }

        return expanded;
    }

    private static string? Wallet(AgentRequest request) =>
        request.KeyMap.TryGet("USER_WALLET_PUBKEY", out var wallet) ? wallet : null;

    private static (string? Tool, JsonObject? Arguments, string? Error) Plan(PromptClause clause, ClauseContext context)
    {
        var user = context.User;
        switch (clause.Intent)
        {
            case PromptIntent.Balance:
                return (ToolNames.GetAccountBalance, new JsonObject { ["pubkey"] = user }, null);
            case PromptIntent.Positions:
                var text = clause.Text.ToLowerInvariant();
                var operation = text.Contains("earn", StringComparison.Ordinal) && text.Contains("position", StringComparison.Ordinal) ? "both"
                    : text.Contains("earn", StringComparison.Ordinal) ? "earnings" : "positions";
                return (ToolNames.GetJupiterLendEarnPosition, new JsonObject { ["user_pubkey"] = user, ["operation"] = operation }, null);
            case PromptIntent.LendTokens:
                return (ToolNames.GetJupiterLendEarnTokens, [], null);
            case PromptIntent.Swap or PromptIntent.Buy:
                return PlanSwap(clause, context);
            case PromptIntent.Deposit:
                return PlanLend(clause, context);
            case PromptIntent.Withdraw or PromptIntent.Redeem:
                return PlanExit(clause, context);
            case PromptIntent.Mint:
                return PlanMint(clause, context);
            default:
                return PlanTransfer(clause, context);
        }
    }

    private static (string?, JsonObject?, string?) PlanSwap(PromptClause clause, ClauseContext context)
    {
        var amountSymbol = SymbolOf(clause.Amount) ?? (clause.Amount is PromptAmount.Previous ? context.ReceivedSymbol : null);
        TokenInfo? input;
        TokenInfo? output;
        if (clause.Intent == PromptIntent.Buy)
        {
            output = Token(clause.TargetSymbol ?? (clause.Symbols.Count > 0 ? clause.Symbols[^1] : null));
            input = Token(amountSymbol is not null && amountSymbol != output?.Symbol ? amountSymbol : clause.Symbols.FirstOrDefault(s => s != output?.Symbol));
        }
        else
        {
            input = Token(amountSymbol ?? FirstSymbol(clause));
            output = Token(clause.TargetSymbol is { } t && t != input?.Symbol ? t : clause.Symbols.FirstOrDefault(s => s != input?.Symbol));
        }

        if (input is null || output is null)
        {
            return (null, null, $"swap: cannot tell the input and output tokens in \"{Shorten(clause.Text)}\"");
        }

        if (Resolve(clause.Amount, input, context) is not { } amount)
        {
            return (null, null, TooLarge("swap", clause, input));
        }

        if (amount == 0)
        {
            return (null, null, $"swap: no {input.Symbol} amount to swap");
        }

        var args = new JsonObject
        {
            ["user_pubkey"] = context.User,
            ["input_mint"] = input.Mint,
            ["output_mint"] = output.Mint,
            ["amount"] = amount,
            ["slippage_bps"] = ToolInvoker.DefaultSlippageBps,
        };
        if (context.Hints.Venue is { } venue)
        {
            args["venue"] = venue;
        }

        return (ToolNames.JupiterSwap, args, null);
    }

    private static (string?, JsonObject?, string?) PlanLend(PromptClause clause, ClauseContext context)
    {
        var asset = Underlying(Token(SymbolOf(clause.Amount) ?? FirstSymbol(clause) ?? context.ReceivedSymbol));
        if (asset is null || TokenCatalog.ShareTokenOf(asset.Mint) is null)
        {
            return (null, null, $"deposit: no lendable token (SOL, USDC, USDT) in \"{Shorten(clause.Text)}\"");
        }

        if (Resolve(clause.Amount, asset, context) is not { } amount)
        {
            return (null, null, TooLarge("deposit", clause, asset));
        }

        return amount == 0
            ? (null, null, $"deposit: no {asset.Symbol} to deposit")
            : (ToolNames.JupiterLendEarnDeposit, new JsonObject { ["user_pubkey"] = context.User, ["asset_mint"] = asset.Mint, ["amount"] = amount }, null);
    }

    private static (string?, JsonObject?, string?) PlanMint(PromptClause clause, ClauseContext context)
    {
        var token = Token(SymbolOf(clause.Amount) ?? FirstSymbol(clause));
        var asset = Underlying(token);
        if (asset is null || token is null || TokenCatalog.ShareTokenOf(asset.Mint) is not { } share)
        {
            return (null, null, $"mint: no lendable token in \"{Shorten(clause.Text)}\"");
        }

        // "mint 50 USDC (worth of jUSDC)" states assets: mint the shares they buy; "mint 50 jUSDC" states shares.
        var stated = Resolve(clause.Amount, token.IsLendingShare ? share : asset, context);
        if (stated is not { } units)
        {
            return (null, null, TooLarge("mint", clause, token.IsLendingShare ? share : asset));
        }

        var shares = token.IsLendingShare ? units : context.Request.Ledger.PreviewSharesForAssets(asset.Mint, units);
        return shares == 0
            ? (null, null, $"mint: the amount buys no {share.Symbol}")
            : (ToolNames.JupiterLendEarnMint, new JsonObject { ["signer"] = context.User, ["asset"] = asset.Mint, ["shares"] = shares }, null);
    }

    private static (string?, JsonObject?, string?) PlanExit(PromptClause clause, ClauseContext context)
    {
        var token = Token(SymbolOf(clause.Amount) ?? FirstSymbol(clause) ?? context.LastOutputSymbol);
        var asset = Underlying(token);
        if (asset is null || token is null || TokenCatalog.ShareTokenOf(asset.Mint) is not { } share)
        {
            return (null, null, $"{clause.Intent.ToString().ToLowerInvariant()}: no lending position named in \"{Shorten(clause.Text)}\"");
        }

        var ledger = context.Request.Ledger;
        var held = ledger.TokenBalanceOf(context.User, share.Mint);
        if (held == 0)
        {
            return (null, null, $"{clause.Intent.ToString().ToLowerInvariant()}: no {share.Symbol} position to exit");
        }

        ulong shares;
        if (clause.Amount is PromptAmount.All && context.Hints is { AmountOverride: null, AmountScale: null })
        {
            shares = held;
        }
        else if (token.IsLendingShare)
        {
            // More than the position is the whole position, however many digits it has.
            shares = Math.Min(held, Resolve(clause.Amount, share, context, held) ?? held);
        }
        else
        {
            var value = ledger.PreviewAssetsForShares(asset.Mint, held);
            var assets = Resolve(clause.Amount, asset, context, value) ?? value;
            if (clause.Intent == PromptIntent.Withdraw && assets < value * 99 / 100)
            {
                return (ToolNames.JupiterLendEarnWithdraw, new JsonObject { ["user_pubkey"] = context.User, ["asset_mint"] = asset.Mint, ["amount"] = assets }, null);
            }

            // Withdrawing (nearly) the whole position: redeem every share so no dust is left behind.
            shares = assets >= value * 99 / 100 ? held : ledger.PreviewSharesForAssets(asset.Mint, assets);
        }

        return shares == 0
            ? (null, null, "redeem: the amount is less than one share")
            : (ToolNames.JupiterLendEarnRedeem, new JsonObject { ["signer"] = context.User, ["asset"] = asset.Mint, ["shares"] = shares }, null);
    }

    private static (string?, JsonObject?, string?) PlanTransfer(PromptClause clause, ClauseContext context)
    {
        var token = Token(SymbolOf(clause.Amount) ?? FirstSymbol(clause));
        if (token is null)
        {
            return (null, null, $"transfer: no token in \"{Shorten(clause.Text)}\"");
        }

        var keyMap = context.Request.KeyMap;
        var ownAccounts = context.Request.Ledger.TokenAccountsOf(context.User).Select(static a => a.Pubkey).ToHashSet(StringComparer.Ordinal);
        var resolved = clause.Addresses.Select(a => (Written: a, Address: keyMap.Resolve(a))).Where(static a => Base58.IsPublicKey(a.Address)).ToList();
        var recipient = resolved.FirstOrDefault(a => a.Address != context.User && !ownAccounts.Contains(a.Address));
        if (recipient.Address is null)
        {
            return (null, null, $"transfer: no recipient address in \"{Shorten(clause.Text)}\"");
        }

        if (Resolve(clause.Amount, token, context) is not { } amount)
        {
            return (null, null, TooLarge("transfer", clause, token));
        }

        if (amount == 0)
        {
            return (null, null, $"transfer: no {token.Symbol} amount");
        }

        if (token.Mint == TokenCatalog.SolMint)
        {
            return (ToolNames.SolTransfer, new JsonObject { ["user_pubkey"] = context.User, ["recipient_pubkey"] = recipient.Written, ["amount"] = amount }, null);
        }

        var args = new JsonObject { ["user_pubkey"] = context.User, ["recipient_pubkey"] = recipient.Written, ["mint_address"] = token.Mint, ["amount"] = amount };
        if (resolved.FirstOrDefault(a => ownAccounts.Contains(a.Address)) is { Address: not null } source)
        {
            args["source_account"] = source.Written;
        }

        return (ToolNames.SplTransfer, args, null);
    }

    private static string TooLarge(string action, PromptClause clause, TokenInfo token) =>
        $"{action}: amount too large: \"{Shorten(clause.Text)}\" asks for more {token.Symbol} than a balance can hold ({ulong.MaxValue} base units)";

    /// <summary>Base units for an amount of <paramref name="token"/>, after recovery hints; null when more than u64 holds.</summary>
    private static ulong? Resolve(PromptAmount? amount, TokenInfo token, ClauseContext context, ulong? whole = null)
    {
        if (context.Hints.AmountOverride is { } overridden)
        {
            return overridden;
        }

        var ledger = context.Request.Ledger;
        var balance = whole ?? ledger.TokenBalanceOf(context.User, token.Mint);
        var spendable = token.Mint == TokenCatalog.SolMint && whole is null ? (balance > SolReserveLamports ? balance - SolReserveLamports : 0) : balance;
        ulong? units = amount switch
        {
            PromptAmount.Exact exact => ToUnits(exact.Value, token),
            PromptAmount.Percent percent => (ulong)decimal.Floor(balance * Math.Clamp(percent.Value, 0m, 100m) / 100m),
            PromptAmount.Previous => context.LastOutput is { } last && last.Mint == token.Mint ? last.Amount
                : context.Request.Hints.PreviousReceived is { } received && received.TryGetValue(token.Mint, out var got) ? Math.Min(got, spendable)
                : spendable,
            _ => spendable,
        };
        return units is { } stated && context.Hints.AmountScale is { } scale ? Fit(stated * Math.Max(scale, 0m)) : units;
    }

    private static ulong? ToUnits(decimal value, TokenInfo token) =>
        value > ulong.MaxValue / token.UnitsPerToken ? null : Fit(value * token.UnitsPerToken);

    private static ulong? Fit(decimal units) => units is >= 0 and <= ulong.MaxValue ? (ulong)decimal.Floor(units) : null;

    private static (string Mint, ulong Amount)? OutputOf(ToolCallRecord record)
    {
        if (record.ResultJson is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(record.ResultJson);
        var root = document.RootElement;
        if (root.TryGetProperty("output_mint", out var mint) && root.TryGetProperty("out_amount", out var amount))
        {
            return (mint.GetString()!, amount.GetUInt64());
        }

        if (root.TryGetProperty("assets_delta", out var assets) && assets.GetInt64() > 0)
        {
            return (root.GetProperty("asset_mint").GetString()!, (ulong)assets.GetInt64());
        }

        return root.TryGetProperty("shares_delta", out var shares) && shares.GetInt64() > 0
            ? (root.GetProperty("share_mint").GetString()!, (ulong)shares.GetInt64())
            : null;
    }

    private static string? SymbolOf(PromptAmount? amount) => amount switch
    {
        PromptAmount.Exact e => e.Symbol,
        PromptAmount.Percent p => p.Symbol,
        PromptAmount.All a => a.Symbol,
        PromptAmount.Previous p => p.Symbol,
        _ => null,
    };

    private static string? FirstSymbol(PromptClause clause) => clause.Symbols.Count > 0 ? clause.Symbols[0] : null;

    private static TokenInfo? Token(string? symbol) => symbol is null ? null : TokenCatalog.FindBySymbol(symbol);

    private static TokenInfo? Underlying(TokenInfo? token) =>
        token is { IsLendingShare: true } ? TokenCatalog.FindByMint(token.UnderlyingMint!) : token;

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private sealed record ClauseContext(AgentRequest Request, string User, (string Mint, ulong Amount)? LastOutput, AgentHints Hints)
    {
        public string? LastOutputSymbol => LastOutput is { } last ? TokenCatalog.FindByMint(last.Mint)?.Symbol : null;

        /// <summary>What "it" names: the previous clause's output, else a token earlier steps received (non-SOL first).</summary>
        public string? ReceivedSymbol => LastOutputSymbol ?? Request.Hints.PreviousReceived?
            .Where(static r => r.Value > 0)
            .OrderBy(static r => r.Key == TokenCatalog.SolMint ? 1 : 0)
            .ThenBy(static r => r.Key, StringComparer.Ordinal)
            .Select(static r => TokenCatalog.FindByMint(r.Key)?.Symbol)
            .FirstOrDefault(static s => s is not null);
    }
}
