using System.Security.Cryptography;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Cli.Planning;

/// <summary>
/// The wallet a prompt is planned for: a fresh address on a simulated ledger holding SOL and USDC (by default the
/// reference's 5 SOL and 1000 USDC). The planned flow file carries these balances as its initial state.
/// </summary>
internal sealed record SimulatedWallet(string Address, ulong Lamports, ulong UsdcAmount, LedgerSnapshot Ledger)
{
    public const decimal DefaultSol = 5m;
    public const decimal DefaultUsdc = 1000m;
    private const decimal LamportsPerSol = 1_000_000_000m;
    private const decimal UsdcUnits = 1_000_000m;

    /// <summary>Largest balance accepted (keeps base units well inside <see cref="ulong"/>).</summary>
    private const decimal MaxBalance = 1_000_000_000m;

    /// <summary>A wallet with <paramref name="sol"/> SOL and <paramref name="usdc"/> USDC, or why the amounts are not usable.</summary>
    public static SimulatedWallet? TryCreate(decimal sol, decimal usdc, out string? error)
    {
        if (sol is < 0 or > MaxBalance || usdc is < 0 or > MaxBalance)
        {
            error = $"wallet balances must be between 0 and {MaxBalance:0} (got {sol} SOL, {usdc} USDC)";
            return null;
        }

        error = null;
        var address = Base58.Encode(RandomNumberGenerator.GetBytes(32));
        var lamports = (ulong)decimal.Truncate(sol * LamportsPerSol);
        var usdcAmount = (ulong)decimal.Truncate(usdc * UsdcUnits);
        var ledger = SimulatedLedger.CreateEmpty();
        ledger.SetSystemAccount(address, lamports);
        ledger.SetTokenAccount(AssociatedTokenAddress.Derive(address, TokenCatalog.UsdcMint), TokenCatalog.UsdcMint, address, usdcAmount);
        return new SimulatedWallet(address, lamports, usdcAmount, ledger.ToSnapshot());
    }
}
