using System.Text.Json.Nodes;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tools;

public sealed partial class ToolInvoker
{
    /// <summary>Slippage used when the caller gives none (Jupiter's protocol default).</summary>
    public const int DefaultSlippageBps = 50;

    /// <summary>Largest slippage accepted.</summary>
    public const int MaxSlippageBps = 1000;

    /// <summary>
    /// <c>jupiter_swap</c>: quote from the oracle on the venue (fee and size-dependent impact), check funds and
    /// liquidity, then send the route; the program fails with 0x1771 when execution drifts past the slippage.
    /// </summary>
    private ToolOutcome Swap(ToolArguments args, int index)
    {
        var user = Signer(args, "user_pubkey");
        var input = args.Mint("input_mint", "from_mint", "input_token");
        var output = args.Mint("output_mint", "to_mint", "output_token");
        var amount = args.Amount("amount", "in_amount");
        var slippage = args.OptionalInt("slippage_bps") ?? DefaultSlippageBps;
        if (slippage is < 1 or > MaxSlippageBps)
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.JupiterSwap}: Invalid slippage: slippage_bps must be in 1..{MaxSlippageBps}, not {slippage}");
        }

        var venueName = args.OptionalText("venue");
        var venue = venueName is null ? _defaultVenue : SwapVenue.Find(venueName)
            ?? throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.JupiterSwap}: unknown venue \"{venueName}\" (known: jupiter, raydium)");
        if (input.Mint == output.Mint)
        {
            throw new ToolInputException(FlowErrorKind.SameInputOutputMint, $"{ToolNames.JupiterSwap}: Same input and output mint ({input.Symbol})");
        }

        if (input.IsLendingShare || output.IsLendingShare)
        {
            throw new ToolInputException(FlowErrorKind.InvalidMint, $"{ToolNames.JupiterSwap}: lending shares are not swappable; use the Jupiter Lend Earn tools");
        }

        if (venue.Name == SwapVenue.JupiterName && Inject(FaultKind.Venue, ToolNames.JupiterSwap, index))
        {
            return ToolOutcome.Fail(FlowErrors.Create(FlowErrorKind.VenueUnavailable, "Jupiter quote API unavailable (503); try another venue"));
        }

        var instructions = new List<LedgerInstruction>();
        var rent = EnsureAta(instructions, user, user, output.Mint);
        RequireBalance(user, input, amount, SimulatedLedger.SignatureFee + rent);

        var valueUsd = input.ValueUsd(amount);
        var cap = Inject(FaultKind.Liquidity, ToolNames.JupiterSwap, index) ? Math.Min(_faults.Spec.LiquidityCapUsd, venue.MaxTradeUsd) : venue.MaxTradeUsd;
        if (valueUsd > cap)
        {
            return ToolOutcome.Fail(FlowErrors.Create(FlowErrorKind.Liquidity,
                $"insufficient liquidity: {venue.Name} can route at most {cap:0.##} USD, requested {valueUsd:0.##} USD; reduce the amount"));
        }

        var quoted = venue.Quote(input, output, amount, out var impact);
        if (quoted == 0)
        {
            throw new ToolInputException(FlowErrorKind.InvalidAmount, $"{ToolNames.JupiterSwap}: amount {amount} is too small to receive any {output.Symbol}");
        }

        var drift = Inject(FaultKind.Slippage, ToolNames.JupiterSwap, index) ? _faults.Spec.SpikeBps : 0;
        instructions.Add(LedgerInstructions.Swap(venue, user, input.Mint, output.Mint, amount, quoted, slippage, drift));
        var before = _ledger.TokenBalanceOf(user, output.Mint);
        var result = Send(user, [.. instructions]);
        if (result.Failure is { } failure)
        {
            return ToolOutcome.Fail(failure);
        }

        var after = _ledger.TokenBalanceOf(user, output.Mint);
        var json = Transaction(result);
        json["venue"] = venue.Name;
        json["input_mint"] = input.Mint;
        json["output_mint"] = output.Mint;
        json["in_amount"] = amount;
        json["quoted_out_amount"] = quoted;
        json["out_amount"] = output.Mint == TokenCatalog.SolMint ? after + result.Transaction.Fee - before : after - before;
        json["slippage_bps"] = slippage;
        json["price_impact_pct"] = (double)(impact * 100m);
        return ToolOutcome.Ok(json);
    }
}
