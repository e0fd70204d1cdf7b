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

        var ledger = SimulatedLedger.CreateEmpty(seed);
        for (var i = 0; i < document.InitialState.Count; i++)
        {
            if (Add(ledger, document.InitialState[i], keys.KeyMap) is { } error)
            {
                // Lending shares whose totals pass 2^64 - 1 base units: a file error, not a wrapped balance.
                var map = sourceMap ?? new FlowSourceMap(document.Id + ".yml");
                return PrepareResult.Failure(map.ErrorAt($"initial_state[{i}]", $"{document.InitialState[i].Pubkey}: {error}"));
            }
        }

        return PrepareResult.Success(new PreparedFlow(document, keys.KeyMap, ledger.ToSnapshot(), seed));
    }

    private static string? Add(SimulatedLedger ledger, InitialStateItem item, KeyMap keyMap)
    {
        var address = keyMap.Resolve(item.Pubkey);
        if (item.LendingPosition is { } position)
        {
            return ledger.TrySeedLendingShares(address, position.ShareMint, position.Shares);
        }

        if (item.Data is { } shareData && TokenCatalog.FindByMint(shareData.Mint) is { IsLendingShare: true })
        {
            return ledger.TrySetShareTokenAccount(address, shareData.Mint, keyMap.Resolve(shareData.Owner), shareData.Amount, item.Lamports ?? SimulatedLedger.TokenAccountRent);
        }

        if (item.Data is { } data)
        {
            ledger.SetTokenAccount(address, data.Mint, keyMap.Resolve(data.Owner), data.Amount, item.Lamports ?? SimulatedLedger.TokenAccountRent);
        }
        else
        {
            ledger.SetSystemAccount(address, item.Lamports ?? 0, item.Owner);
        }

        return null;
    }
}
