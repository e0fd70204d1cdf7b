using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Planning.Context;

namespace Reev.Cluster.Planning.Plans;

/// <summary>
/// The wallet's balances as the plan will leave them, step by step: spends are exact, receipts are the
/// conservative estimates (minimum after slippage). Used to reject amounts above balance and to know which
/// balances earlier steps change.
/// </summary>
internal sealed class BalanceSheet
{
    private readonly Dictionary<string, ulong> _balances = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changed = new(StringComparer.Ordinal);
    private readonly ILedgerReader _ledger;
    private readonly string _wallet;

    public BalanceSheet(WalletContext context, ILedgerReader ledger)
    {
        _ledger = ledger;
        _wallet = context.Wallet;
        _balances[TokenCatalog.SolMint] = context.Lamports;
        foreach (var token in context.Tokens)
        {
            _balances[token.Mint] = token.Amount;
        }
    }

    /// <summary>Projected holding of a mint (lamports for SOL).</summary>
    public ulong Balance(string mint) => _balances.GetValueOrDefault(mint);

    /// <summary>True when an earlier step of the plan changes this balance.</summary>
    public bool IsChanged(string mint) => _changed.Contains(mint);

    /// <summary>True when the wallet holds (or will hold) a token account of this mint.</summary>
    public bool HasAccount(string mint) => _balances.ContainsKey(mint);

    /// <summary>Projected value of the wallet's lending position in an asset, in asset base units.</summary>
    public ulong PositionAssets(TokenInfo share) =>
        share.UnderlyingMint is { } asset ? _ledger.PreviewAssetsForShares(asset, Balance(share.Mint)) : 0;

    /// <summary>Shares a deposit of assets would give now.</summary>
    public ulong SharesFor(TokenInfo share, ulong assets) =>
        share.UnderlyingMint is { } asset ? _ledger.PreviewSharesForAssets(asset, assets) : 0;

    /// <summary>Shares needed to withdraw assets now (rounded up so the withdrawal is covered).</summary>
    public ulong SharesToWithdraw(TokenInfo share, ulong assets)
    {
        var shares = SharesFor(share, assets);
        return share.UnderlyingMint is { } asset && _ledger.PreviewAssetsForShares(asset, shares) < assets ? shares + 1 : shares;
    }

    public void Spend(string mint, ulong amount)
    {
        _balances[mint] = Balance(mint) > amount ? Balance(mint) - amount : 0;
        _changed.Add(mint);
    }

    public void Receive(string mint, ulong amount)
    {
        _balances[mint] = Balance(mint) + amount;
        _changed.Add(mint);
    }

    public override string ToString() => $"{_wallet}: {string.Join(", ", _balances.Select(static b => $"{b.Key}={b.Value}"))}";
}
