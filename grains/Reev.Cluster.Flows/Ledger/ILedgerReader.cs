namespace Reev.Cluster.Flows.Ledger;

/// <summary>Read-only view of a ledger, for agents that plan from balances.</summary>
public interface ILedgerReader
{
    /// <summary>Lamports of an account, 0 when absent.</summary>
    ulong LamportsOf(string pubkey);

    /// <summary>Sum of the token accounts of <paramref name="owner"/> for <paramref name="mint"/>.</summary>
    ulong TokenBalanceOf(string owner, string mint);

    /// <summary>Token accounts owned by a wallet.</summary>
    IReadOnlyList<AccountSnapshot> TokenAccountsOf(string owner);

    /// <summary>Shares a deposit of <paramref name="assets"/> would mint now (rounded down).</summary>
    ulong PreviewSharesForAssets(string assetMint, ulong assets);

    /// <summary>Assets that <paramref name="shares"/> redeem for now (rounded down).</summary>
    ulong PreviewAssetsForShares(string assetMint, ulong shares);
}
