using System.Security.Cryptography;
using System.Text;
using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// An in-process Solana-like ledger for one execution: lamports, SPL token accounts, a 5000-lamport
/// fee per signature (charged even when a transaction fails), rent-exempt token accounts, and the
/// System, SPL Token, Associated Token, Jupiter swap, alternate venue and Jupiter Lend Earn programs.
/// Transactions are atomic: a failing instruction rolls every balance back except the fee.
/// Not thread-safe: one ledger belongs to one step.
/// </summary>
public sealed partial class SimulatedLedger : ILedgerReader
{
    /// <summary>Lamports per signature.</summary>
    public const ulong SignatureFee = 5000;

    /// <summary>Rent-exempt minimum of an SPL token account (165 bytes).</summary>
    public const ulong TokenAccountRent = 2_039_280;

    private readonly int _seed;
    private readonly List<TransactionRecord> _transactions = [];
    private LedgerState _state;

    private SimulatedLedger(LedgerState state, int seed)
    {
        _state = state;
        _seed = seed;
    }

    /// <summary>Transactions executed since this instance was created.</summary>
    public IReadOnlyList<TransactionRecord> Transactions => _transactions;

    /// <summary>Current slot.</summary>
    public long Slot => _state.Slot;

    /// <summary>Rebuilds a ledger from a snapshot; <paramref name="seed"/> feeds signature derivation.</summary>
    public static SimulatedLedger FromSnapshot(LedgerSnapshot snapshot, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new SimulatedLedger(LedgerState.From(snapshot), seed);
    }

    /// <summary>An empty ledger with the default lending pools.</summary>
    public static SimulatedLedger CreateEmpty(int seed = 0) => new(LedgerState.Genesis(), seed);

    /// <summary>The current state as an immutable snapshot.</summary>
    public LedgerSnapshot ToSnapshot() => _state.ToSnapshot();

    /// <summary>Creates or overwrites a system account (genesis).</summary>
    public void SetSystemAccount(string pubkey, ulong lamports, string owner = ProgramIds.System) =>
        _state.Accounts[pubkey] = new AccountState(owner, lamports, null);

    /// <summary>Creates or overwrites a token account (genesis).</summary>
    public void SetTokenAccount(string pubkey, string mint, string owner, ulong amount, ulong lamports = TokenAccountRent) =>
        _state.Accounts[pubkey] = new AccountState(ProgramIds.Token, lamports, new TokenState(mint, owner, amount));

    /// <summary>
    /// Seeds lending shares held by <paramref name="owner"/> (genesis): credits the share ATA and adds the
    /// matching assets to the pool at its current rate, with that value as the position's cost basis.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A total would pass 2^64 - 1 base units.</exception>
    public void SeedLendingShares(string owner, string shareMint, ulong shares)
    {
        if (TrySeedLendingShares(owner, shareMint, shares) is { } error)
        {
            throw new ArgumentOutOfRangeException(nameof(shares), shares, error);
        }
    }

    /// <summary>
    /// Creates a lending share token account at genesis (a file's jl-token account): the shares are backed by
    /// assets added to the pool at its current rate, so the pool stays solvent and the position has a cost basis.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A total would pass 2^64 - 1 base units.</exception>
    public void SetShareTokenAccount(string pubkey, string shareMint, string owner, ulong shares, ulong lamports = TokenAccountRent)
    {
        if (TrySetShareTokenAccount(pubkey, shareMint, owner, shares, lamports) is { } error)
        {
            throw new ArgumentOutOfRangeException(nameof(shares), shares, error);
        }
    }

    /// <summary><see cref="SeedLendingShares"/>, or why the shares do not fit (nothing changed then).</summary>
    internal string? TrySeedLendingShares(string owner, string shareMint, ulong shares)
    {
        var share = TokenCatalog.FindByMint(shareMint) ?? throw new ArgumentException($"unknown share mint {shareMint}", nameof(shareMint));
        var pool = _state.Pools[share.UnderlyingMint!];
        var assets = SharesToAssets(pool, shares, roundUp: false);
        var ata = AssociatedTokenAddress.Derive(owner, shareMint);
        var existing = _state.Accounts.TryGetValue(ata, out var account) ? account.Token : null;
        if (GenesisOverflow(pool, owner, shares, assets, existing?.Amount ?? 0) is { } error)
        {
            return error;
        }

        pool.TotalShares += shares;
        pool.TotalAssets += assets;
        if (existing is not null)
        {
            existing.Amount += shares;
        }
        else
        {
            SetTokenAccount(ata, shareMint, owner, shares);
        }

        AddBasis(owner, pool.AssetMint, assets);
        return null;
    }

    /// <summary><see cref="SetShareTokenAccount"/>, or why the shares do not fit (nothing changed then).</summary>
    internal string? TrySetShareTokenAccount(string pubkey, string shareMint, string owner, ulong shares, ulong lamports)
    {
        var share = TokenCatalog.FindByMint(shareMint) ?? throw new ArgumentException($"unknown share mint {shareMint}", nameof(shareMint));
        var pool = _state.Pools[share.UnderlyingMint ?? throw new ArgumentException($"{shareMint} is not a lending share", nameof(shareMint))];
        var assets = SharesToAssets(pool, shares, roundUp: false);
        if (GenesisOverflow(pool, owner, shares, assets, 0) is { } error)
        {
            return error;
        }

        pool.TotalShares += shares;
        pool.TotalAssets += assets;
        SetTokenAccount(pubkey, shareMint, owner, shares, lamports);
        AddBasis(owner, pool.AssetMint, assets);
        return null;
    }

    /// <summary>The account, when it exists.</summary>
    public AccountSnapshot? Find(string pubkey) => _state.Accounts.TryGetValue(pubkey, out var account) ? account.ToSnapshot(pubkey) : null;

    /// <summary>True when the account exists and is a token account of <paramref name="mint"/>.</summary>
    public bool IsTokenAccountOf(string pubkey, string mint) =>
        _state.Accounts.TryGetValue(pubkey, out var account) && account.Token is { } token && token.Mint == mint;

    /// <inheritdoc/>
    public ulong LamportsOf(string pubkey) => _state.Accounts.TryGetValue(pubkey, out var account) ? account.Lamports : 0;

    /// <summary>Token amount of a token account, or null when it is not one.</summary>
    public ulong? TokenAmountOf(string tokenAccount) =>
        _state.Accounts.TryGetValue(tokenAccount, out var account) && account.Token is { } token ? token.Amount : null;

    /// <inheritdoc/>
    public ulong TokenBalanceOf(string owner, string mint)
    {
        if (mint == TokenCatalog.SolMint)
        {
            return LamportsOf(owner);
        }

        ulong total = 0;
        foreach (var account in _state.Accounts.Values)
        {
            if (account.Token is { } token && token.Owner == owner && token.Mint == mint)
            {
                // Saturates: two accounts near u64's maximum hold at least that much, not the wrapped remainder.
                total = token.Amount > ulong.MaxValue - total ? ulong.MaxValue : total + token.Amount;
            }
        }

        return total;
    }

    /// <inheritdoc/>
    public IReadOnlyList<AccountSnapshot> TokenAccountsOf(string owner) =>
        [.. _state.Accounts
            .Where(p => p.Value.Token?.Owner == owner)
            .OrderBy(static p => p.Key, StringComparer.Ordinal)
            .Select(static p => p.Value.ToSnapshot(p.Key))];

    /// <inheritdoc/>
    public ulong PreviewSharesForAssets(string assetMint, ulong assets)
    {
        if (!_state.Pools.TryGetValue(assetMint, out var pool))
        {
            return 0;
        }

        var preview = pool.Clone();
        Accrue(preview, _state.Slot + 1);
        return AssetsToShares(preview, assets, roundUp: false);
    }

    /// <inheritdoc/>
    public ulong PreviewAssetsForShares(string assetMint, ulong shares)
    {
        if (!_state.Pools.TryGetValue(assetMint, out var pool))
        {
            return 0;
        }

        var preview = pool.Clone();
        Accrue(preview, _state.Slot + 1);
        return SharesToAssets(preview, shares, roundUp: false);
    }

    /// <summary>Exchange rate (assets per share) of a pool, or 0 when the pool does not exist.</summary>
    public decimal ExchangeRateOf(string assetMint) =>
        _state.Pools.TryGetValue(assetMint, out var pool) && pool.TotalShares > 0 ? (decimal)pool.TotalAssets / pool.TotalShares : 0m;

    /// <summary>Pools as snapshots (for the tokens tool).</summary>
    public IReadOnlyList<LendingPoolSnapshot> Pools => [.. _state.Pools.Values.OrderBy(static p => p.AssetMint, StringComparer.Ordinal).Select(static p => p.ToSnapshot())];

    /// <summary>Net deposited assets (cost basis) of an owner in a pool.</summary>
    public ulong NetDepositedOf(string owner, string assetMint) =>
        _state.Positions.TryGetValue((owner, assetMint), out var basis) ? basis : 0;

    /// <summary>
    /// Executes a transaction atomically. The fee payer pays 5000 lamports per signer even when an
    /// instruction fails; a payer who cannot pay the fee gets a failed transaction with no effects.
    /// </summary>
    internal ExecutionResult Execute(string feePayer, IReadOnlyList<LedgerInstruction> instructions)
    {
        var signers = instructions.SelectMany(static i => i.Record.Accounts).Where(static a => a.IsSigner)
            .Select(static a => a.Pubkey).Append(feePayer).Distinct(StringComparer.Ordinal).Count();
        var fee = SignatureFee * (ulong)signers;
        _state.Slot++;
        _state.TransactionCount++;
        var signature = NextSignature();
        var logs = new List<string>();
        var records = new EquatableArray<InstructionRecord>(instructions.Select(static i => i.Record));
        if (LamportsOf(feePayer) < fee)
        {
            var message = $"insufficient funds for fee: {feePayer} has {LamportsOf(feePayer)} lamports, fee is {fee}";
            return Record(new TransactionRecord(signature, _state.Slot, feePayer, records, TransactionStatus.Failed, message, [message], 0),
                FlowErrors.Create(FlowErrorKind.InsufficientFunds, message));
        }

        var before = _state.Clone();
        _state.Accounts[feePayer].Lamports -= fee;
        foreach (var instruction in instructions)
        {
            logs.Add($"Program {instruction.Record.ProgramId} invoke [1]");
            var failure = Apply(instruction.Op, logs);
            if (failure is not null)
            {
                logs.Add($"Program {instruction.Record.ProgramId} failed: {failure.Message}");
                _state = before;
                _state.Accounts[feePayer].Lamports -= fee;
                return Record(new TransactionRecord(signature, _state.Slot, feePayer, records, TransactionStatus.Failed, failure.Message, new EquatableArray<string>(logs), fee), failure);
            }

            logs.Add($"Program {instruction.Record.ProgramId} success");
        }

        return Record(new TransactionRecord(signature, _state.Slot, feePayer, records, TransactionStatus.Success, null, new EquatableArray<string>(logs), fee), null);
    }

    private ExecutionResult Record(TransactionRecord transaction, ToolError? failure)
    {
        _transactions.Add(transaction);
        return new ExecutionResult(transaction, failure);
    }

    private string NextSignature()
    {
        var seed = Encoding.UTF8.GetBytes($"reev-signature|{_seed}|{_state.TransactionCount}|{_state.Slot}");
        var first = SHA256.HashData(seed);
        var second = SHA256.HashData(first);
        return Base58.Encode([.. first, .. second]);
    }

    /// <summary>Genesis shares that would take the pool's totals, the account or the cost basis past 2^64 - 1 are refused.</summary>
    private string? GenesisOverflow(PoolState pool, string owner, ulong shares, ulong assets, ulong held)
    {
        _state.Positions.TryGetValue((owner, pool.AssetMint), out var basis);
        return Fits(pool.TotalShares, shares) && Fits(pool.TotalAssets, assets) && Fits(held, shares) && Fits(basis, assets)
            ? null
            : $"{shares} {TokenCatalog.FindByMint(pool.ShareMint)?.Symbol ?? pool.ShareMint} shares would take the lending pool's totals or the position of {owner} past {ulong.MaxValue} base units";
    }

    private void AddBasis(string owner, string assetMint, ulong assets)
    {
        _state.Positions.TryGetValue((owner, assetMint), out var basis);
        _state.Positions[(owner, assetMint)] = basis + assets;
    }
}
