using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Running;

/// <summary>Resolves a document's placeholders and builds its initial ledger.</summary>
public static class FlowPreparation
{
    /// <summary>
    /// Resolves placeholders with <paramref name="seed"/> and creates the initial_state accounts on a
    /// fresh ledger (with the default lending pools). Errors (missing placeholder, …) are results.
    /// </summary>
    public static PrepareResult Prepare(FlowDocument document, int seed, FlowSourceMap? sourceMap = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var keys = PlaceholderResolver.Resolve(document, seed, sourceMap);
        if (!keys.IsSuccess)
        {
            return PrepareResult.Failure(keys.Error);
        }

        var ledger = BuildLedger(document, keys.KeyMap, seed);
        return PrepareResult.Success(new PreparedFlow(document, keys.KeyMap, ledger.ToSnapshot(), seed));
    }

    internal static SimulatedLedger BuildLedger(FlowDocument document, KeyMap keyMap, int seed)
    {
        var ledger = SimulatedLedger.CreateEmpty(seed);
        foreach (var item in document.InitialState)
        {
            var address = keyMap.Resolve(item.Pubkey);
            if (item.LendingPosition is { } position)
            {
                ledger.SeedLendingShares(address, position.ShareMint, position.Shares);
            }
            else if (item.Data is { } shareData && TokenCatalog.FindByMint(shareData.Mint) is { IsLendingShare: true })
            {
                ledger.SetShareTokenAccount(address, shareData.Mint, keyMap.Resolve(shareData.Owner), shareData.Amount, item.Lamports ?? SimulatedLedger.TokenAccountRent);
            }
            else if (item.Data is { } data)
            {
                ledger.SetTokenAccount(address, data.Mint, keyMap.Resolve(data.Owner), data.Amount, item.Lamports ?? SimulatedLedger.TokenAccountRent);
            }
            else
            {
                ledger.SetSystemAccount(address, item.Lamports ?? 0, item.Owner);
            }
        }

        return ledger;
    }
}
