namespace Reev.Cluster.Flows.Ledger;

/// <summary>Program ids of the simulated programs (the real mainnet ids).</summary>
public static class ProgramIds
{
    public const string System = "11111111111111111111111111111111";
    public const string Token = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
    public const string AssociatedToken = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";
    public const string JupiterSwap = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4";
    public const string JupiterLend = "jup3YeL8QhtSx1e253b2FDvsMNC87fDrgQZivbrndc9";

    /// <summary>Raydium AMM v4: the alternate simulated swap venue.</summary>
    public const string RaydiumAmm = "675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8";
}
