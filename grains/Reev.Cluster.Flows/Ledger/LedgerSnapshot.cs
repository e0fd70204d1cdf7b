using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// The whole state of a simulated ledger as a small immutable value: a step grain stores it and the
/// next step rebuilds its ledger from it (<see cref="SimulatedLedger.FromSnapshot"/>).
/// </summary>
/// <param name="Slot">Current slot; each transaction advances it by one.</param>
/// <param name="TransactionCount">Transactions executed so far (part of signature derivation).</param>
/// <param name="Accounts">Accounts ordered by pubkey.</param>
/// <param name="Pools">Jupiter Lend Earn pools ordered by asset mint.</param>
/// <param name="Positions">Lending cost bases (for earnings) ordered by owner then asset mint.</param>
public sealed record LedgerSnapshot(
    long Slot,
    long TransactionCount,
    EquatableArray<AccountSnapshot> Accounts,
    EquatableArray<LendingPoolSnapshot> Pools,
    EquatableArray<LendingPositionSnapshot> Positions)
{
    /// <summary>No accounts, pools or positions: stands in for a ledger that is kept elsewhere.</summary>
    public static LedgerSnapshot Empty { get; } = new(0, 0, default, default, default);

    /// <summary>Lamports of an account, 0 when it does not exist.</summary>
    public ulong LamportsOf(string pubkey)
    {
        foreach (var account in Accounts)
        {
            if (account.Pubkey == pubkey)
            {
                return account.Lamports;
            }
        }

        return 0;
    }

    /// <summary>The account, when it exists.</summary>
    public AccountSnapshot? Find(string pubkey)
    {
        foreach (var account in Accounts)
        {
            if (account.Pubkey == pubkey)
            {
                return account;
            }
        }

        return null;
    }
}
