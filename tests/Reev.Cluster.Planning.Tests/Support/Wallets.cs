using System.Security.Cryptography;
using System.Text;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Tests.Support;

/// <summary>Wallets on simulated ledgers for planning tests.</summary>
public static class Wallets
{
    public const ulong LamportsPerSol = 1_000_000_000;

    /// <summary>A deterministic base58 address derived from a name.</summary>
    public static string Address(string name) => Base58.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    /// <summary>A ledger on which <paramref name="wallet"/> holds <paramref name="lamports"/> and the given token amounts in its ATAs.</summary>
    public static LedgerSnapshot Ledger(string wallet, ulong lamports, params (string Mint, ulong Amount)[] tokens)
    {
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(wallet, lamports);
        foreach (var (mint, amount) in tokens)
        {
            ledger.SetTokenAccount(AssociatedTokenAddress.Derive(wallet, mint), mint, wallet, amount);
        }

        return ledger.ToSnapshot();
    }
}
