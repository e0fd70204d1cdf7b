using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Plans;

/// <summary>The placeholders planned flows use, in the reference naming (<c>USER_WALLET_PUBKEY</c>, <c>USER_USDC_ATA</c>).</summary>
public static class PlaceholderNames
{
    public const string Wallet = "USER_WALLET_PUBKEY";

    /// <summary>The wallet's token account of a token: <c>USER_USDC_ATA</c>, <c>USER_JLUSDC_ATA</c>, <c>USER_L_SOL_ATA</c>.</summary>
    public static string TokenAccount(TokenInfo token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return "USER_" + token.Symbol.ToUpperInvariant().Replace('-', '_') + "_ATA";
    }
}
