namespace Reev.Cluster.Planning.Templates;

/// <summary>
/// Registered template names: the path under <c>Templates/Files</c> without <c>.hbs</c>. Partials use the same
/// names (<c>{{&gt; base/swap}}</c>, <c>{{&gt; protocols/jupiter/swap}}</c>), so every include resolves.
/// </summary>
public static class TemplateNames
{
    public const string BaseSwap = "base/swap";
    public const string BaseLend = "base/lend";
    public const string BaseWithdraw = "base/withdraw";
    public const string BaseTransfer = "base/transfer";
    public const string BaseBalance = "base/balance";
    public const string BaseDescription = "base/description";
    public const string JupiterSwap = "protocols/jupiter/swap";
    public const string JupiterLend = "protocols/jupiter/lend";
    public const string JupiterWithdraw = "protocols/jupiter/withdraw";
    public const string JupiterMint = "protocols/jupiter/mint";
    public const string JupiterRedeem = "protocols/jupiter/redeem";
    public const string JupiterPositions = "protocols/jupiter/positions";
    public const string SwapThenLend = "scenarios/swap_then_lend";
    public const string Sequence = "scenarios/sequence";
    public const string FlowYaml = "flow/flow.yml";
}
