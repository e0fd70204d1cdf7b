using System.Text;
using System.Text.Json;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Plans;

public sealed partial record PlannedStep
{
    /// <summary>The argument that carries the step's amount (<c>shares</c> for a mint or redeem, else <c>amount</c>).</summary>
    public string AmountArgumentName => Tool is Flows.Tools.ToolNames.JupiterLendEarnRedeem or Flows.Tools.ToolNames.JupiterLendEarnMint ? "shares" : "amount";

    /// <summary>
    /// The tool arguments as JSON with placeholders resolved and a deferred amount filled in from what earlier
    /// steps received (<paramref name="receivedByStep"/>: step → mint → base units) or from the wallet's balance
    /// on <paramref name="ledger"/> when the step runs.
    /// </summary>
    public ResolvedArguments ResolveArguments(
        KeyMap keyMap,
        IReadOnlyDictionary<int, IReadOnlyDictionary<string, ulong>>? receivedByStep = null,
        ILedgerReader? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(keyMap);
        ulong? amount = Amount?.BaseUnits;
        if (Amount is { Source: AmountSource.PreviousOutput, FromStep: { } from } previous)
        {
            if (receivedByStep is null || !receivedByStep.TryGetValue(from, out var received) || !received.TryGetValue(previous.Mint, out var units) || units == 0)
            {
                return ResolvedArguments.Failure($"step {Index} deposits what step {from} received in {previous.Symbol}, but step {from} received no {previous.Symbol}");
            }

            amount = units;
        }
        else if (Amount is { Source: AmountSource.FullBalance } full)
        {
            var wallet = keyMap.Resolve(PlaceholderNames.Wallet);
            var balance = ledger?.TokenBalanceOf(wallet, full.Mint) ?? 0;
            if (full.Mint == TokenCatalog.SolMint)
            {
                balance = balance > Planner.SolFeeReserve ? balance - Planner.SolFeeReserve : 0;
            }

            if (balance == 0)
            {
                return ResolvedArguments.Failure($"step {Index} moves all {full.Symbol}, but the wallet holds none when it runs");
            }

            amount = balance;
        }

        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var argument in Arguments)
            {
                if (argument.IsNumber)
                {
                    writer.WritePropertyName(argument.Name);
                    writer.WriteRawValue(argument.Value);
                }
                else
                {
                    writer.WriteString(argument.Name, keyMap.Resolve(argument.Value));
                }
            }

            if (Amount is { IsDeferred: true } && amount is { } resolved)
            {
                writer.WriteNumber(AmountArgumentName, resolved);
            }

            writer.WriteEndObject();
        }

        return ResolvedArguments.Success(Encoding.UTF8.GetString(stream.ToArray()), amount);
    }
}
