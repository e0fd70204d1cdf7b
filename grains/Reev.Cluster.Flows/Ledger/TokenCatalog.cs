namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// The price oracle and token list (REFERENCE §3.5): SOL 150, USDC 1, USDT 1, BONK 0.000025, mSOL 148.5;
/// jlUSDC/jlUSDT and jlSOL (L-SOL) are lending shares priced at their underlying (rate applied by the ledger).
/// </summary>
public static class TokenCatalog
{
    public const string SolMint = "So11111111111111111111111111111111111111112";
    public const string UsdcMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";
    public const string UsdtMint = "Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB";
    public const string BonkMint = "DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263";
    public const string MsolMint = "mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So";
    public const string JlUsdcMint = "9BEcn9aPEmhSPbPQeFGjidRiEKki46fVQDyPpSQXPA2D";
    public const string JlSolMint = "2uQsyo1fXXQkDtcpXnLofWy88PxcvnfH2L8FPSE62FVU";

    /// <summary>jlUSDT: not in the reference files; a deterministic placeholder mint of this simulation.</summary>
    public const string JlUsdtMint = "AnTSaXEK1PefykutNFYokRsapc8oSopJD7vS6yhBqqnr";

    internal static readonly TokenInfo[] Tokens =
    [
        new(SolMint, "SOL", 9, 150m, null, false),
        new(UsdcMint, "USDC", 6, 1m, null, true),
        new(UsdtMint, "USDT", 6, 1m, null, true),
        new(BonkMint, "BONK", 5, 0.000025m, null, false),
        new(MsolMint, "mSOL", 9, 148.5m, null, false),
        new(JlUsdcMint, "jlUSDC", 6, 1m, UsdcMint, true),
        new(JlSolMint, "jlSOL", 9, 150m, SolMint, false),
        new(JlUsdtMint, "jlUSDT", 6, 1m, UsdtMint, true),
    ];

    internal static readonly Dictionary<string, TokenInfo> BySymbol = BuildSymbols();

    /// <summary>All known tokens.</summary>
    public static IReadOnlyList<TokenInfo> All => Tokens;

    /// <summary>The token of a mint.</summary>
    public static bool TryGetByMint(string mint, out TokenInfo token)
    {
        foreach (var candidate in Tokens)
        {
            if (candidate.Mint == mint)
            {
                token = candidate;
                return true;
            }
        }

        token = Tokens[0];
        return false;
    }

    /// <summary>The token of a mint or null.</summary>
    public static TokenInfo? FindByMint(string mint) => TryGetByMint(mint, out var token) ? token : null;

    /// <summary>The token of a symbol or alias (case-insensitive: sol, wsol, usdc, jusdc, l-sol, …).</summary>
    public static TokenInfo? FindBySymbol(string symbol) =>
        symbol is not null && BySymbol.TryGetValue(symbol.Trim(), out var token) ? token : null;

    /// <summary>The lending share token of an asset mint (USDC → jlUSDC), when it exists.</summary>
    public static TokenInfo? ShareTokenOf(string assetMint) => Tokens.FirstOrDefault(t => t.UnderlyingMint == assetMint);

    private static Dictionary<string, TokenInfo> BuildSymbols()
    {
        var map = new Dictionary<string, TokenInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in Tokens)
        {
            map[token.Symbol] = token;
        }

        map["WSOL"] = Tokens[0];
        map["jUSDC"] = Tokens[5];
        map["jl-USDC"] = Tokens[5];
        map["jSOL"] = Tokens[6];
        map["L-SOL"] = Tokens[6];
        map["LSOL"] = Tokens[6];
        map["jUSDT"] = Tokens[7];
        return map;
    }
}
