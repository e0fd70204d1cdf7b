using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Ledger;

public sealed partial class SimulatedLedger
{
    /// <summary>Seconds per slot used for interest accrual.</summary>
    public const decimal SlotSeconds = 0.4m;

    private const decimal SecondsPerYear = 31_536_000m;

    private ToolError? Apply(LedgerOp op, List<string> logs) => op switch
    {
        LedgerOp.SystemTransfer t => ApplySystemTransfer(t, logs),
        LedgerOp.TokenTransfer t => ApplyTokenTransfer(t, logs),
        LedgerOp.CreateAssociatedTokenAccount c => ApplyCreateAta(c, logs),
        LedgerOp.Swap s => ApplySwap(s, logs),
        LedgerOp.LendDeposit d => ApplyLendDeposit(d, logs),
        LedgerOp.LendWithdraw w => ApplyLendWithdraw(w, logs),
        LedgerOp.LendMint m => ApplyLendMint(m, logs),
        LedgerOp.LendRedeem r => ApplyLendRedeem(r, logs),
        _ => Failed(FlowErrorKind.TransactionFailed, "invalid instruction"),
    };

    private static ToolError Failed(FlowErrorKind kind, string message) => FlowErrors.Create(kind, message);

    private static bool Fits(ulong balance, ulong credit) => balance <= ulong.MaxValue - credit;

    /// <summary>SPL Token's error 14: a balance would pass 2^64 - 1 (the transaction fails instead of wrapping).</summary>
    private static ToolError Overflowed(List<string> logs, string what)
    {
        logs.Add($"Program log: Error: Operation overflowed ({what})");
        return Failed(FlowErrorKind.InvalidAmount, $"custom program error: 0xe (operation overflowed: {what} would exceed {ulong.MaxValue})");
    }

    private ToolError? ApplySystemTransfer(LedgerOp.SystemTransfer transfer, List<string> logs)
    {
        if (!_state.Accounts.TryGetValue(transfer.From, out var from) || from.Owner != ProgramIds.System)
        {
            return Failed(FlowErrorKind.TransactionFailed, $"invalid account: {transfer.From} is not a system account");
        }

        if (from.Lamports < transfer.Lamports)
        {
            logs.Add($"Transfer: insufficient lamports {from.Lamports}, need {transfer.Lamports}");
            return Failed(FlowErrorKind.InsufficientFunds, "custom program error: 0x1");
        }

        from.Lamports -= transfer.Lamports;
        if (!_state.Accounts.TryGetValue(transfer.To, out var to))
        {
            to = new AccountState(ProgramIds.System, 0, null);
            _state.Accounts[transfer.To] = to;
        }

        if (!Fits(to.Lamports, transfer.Lamports))
        {
            return Overflowed(logs, $"the lamports of {transfer.To}");
        }

        to.Lamports += transfer.Lamports;
        return null;
    }

    private ToolError? ApplyTokenTransfer(LedgerOp.TokenTransfer transfer, List<string> logs)
    {
        logs.Add("Program log: Instruction: Transfer");
        if (!_state.Accounts.TryGetValue(transfer.Source, out var source) || source.Token is not { } from)
        {
            return Failed(FlowErrorKind.TransactionFailed, $"invalid account data: {transfer.Source} is not a token account");
        }

        if (!_state.Accounts.TryGetValue(transfer.Destination, out var destination) || destination.Token is not { } to)
        {
            return Failed(FlowErrorKind.TransactionFailed, $"invalid account data: {transfer.Destination} is not a token account");
        }

        if (from.Mint != to.Mint)
        {
            logs.Add("Program log: Error: Account not associated with this Mint");
            return Failed(FlowErrorKind.InvalidMint, "custom program error: 0x3");
        }

        if (from.Owner != transfer.Authority)
        {
            logs.Add("Program log: Error: owner does not match");
            return Failed(FlowErrorKind.TransactionFailed, "custom program error: 0x4");
        }

        if (from.Amount < transfer.Amount)
        {
            logs.Add("Program log: Error: insufficient funds");
            return Failed(FlowErrorKind.InsufficientFunds, "custom program error: 0x1");
        }

        from.Amount -= transfer.Amount;
        if (!Fits(to.Amount, transfer.Amount))
        {
            return Overflowed(logs, $"the balance of {transfer.Destination}");
        }

        to.Amount += transfer.Amount;
        return null;
    }

    private ToolError? ApplyCreateAta(LedgerOp.CreateAssociatedTokenAccount create, List<string> logs)
    {
        if (_state.Accounts.TryGetValue(create.Address, out var existing))
        {
            if (existing.Token is { } token && token.Owner == create.Owner && token.Mint == create.Mint)
            {
                logs.Add("Program log: Create idempotent: account already exists");
                return null;
            }

            return Failed(FlowErrorKind.TransactionFailed, "custom program error: 0x0 (account already in use)");
        }

        if (!_state.Accounts.TryGetValue(create.Payer, out var payer) || payer.Lamports < TokenAccountRent)
        {
            return Failed(FlowErrorKind.InsufficientFunds, $"insufficient lamports for rent: need {TokenAccountRent}");
        }

        payer.Lamports -= TokenAccountRent;
        _state.Accounts[create.Address] = new AccountState(ProgramIds.Token, TokenAccountRent, new TokenState(create.Mint, create.Owner, 0));
        logs.Add("Program log: Create");
        return null;
    }

    private ToolError? ApplySwap(LedgerOp.Swap swap, List<string> logs)
    {
        logs.Add("Program log: Instruction: Route");
        var input = TokenCatalog.FindByMint(swap.InputMint);
        var output = TokenCatalog.FindByMint(swap.OutputMint);
        if (input is null || output is null)
        {
            return Failed(FlowErrorKind.InvalidMint, "invalid mint");
        }

        var executedOut = swap.Venue.Quote(input, output, swap.Amount, out _);
        executedOut = (ulong)((UInt128)executedOut * (ulong)(10_000 - Math.Clamp(swap.DriftBps, 0, 10_000)) / 10_000);
        var minimumOut = (ulong)((UInt128)swap.QuotedOut * (ulong)(10_000 - swap.SlippageBps) / 10_000);
        if (executedOut < minimumOut)
        {
            logs.Add($"Program log: AnchorError occurred. Error Code: SlippageToleranceExceeded. Error Number: 6001. out {executedOut} < minimum {minimumOut}");
            return Failed(FlowErrorKind.SlippageExceeded, "custom program error: 0x1771");
        }

        var debit = Debit(swap.User, swap.InputMint, swap.Amount);
        if (debit is not null)
        {
            return debit;
        }

        logs.Add($"Program log: swapped {swap.Amount} {input.Symbol} for {executedOut} {output.Symbol} on {swap.Venue.Name}");
        return Credit(swap.User, swap.OutputMint, executedOut, logs);
    }

    private ToolError? ApplyLendDeposit(LedgerOp.LendDeposit deposit, List<string> logs)
    {
        logs.Add("Program log: Instruction: Deposit");
        if (!_state.Pools.TryGetValue(deposit.AssetMint, out var pool))
        {
            return Failed(FlowErrorKind.InvalidMint, $"no lending pool for mint {deposit.AssetMint}");
        }

        Accrue(pool, _state.Slot);
        var shares = AssetsToShares(pool, deposit.Assets, roundUp: false);
        if (shares == 0)
        {
            return Failed(FlowErrorKind.InvalidAmount, "deposit too small to mint a share");
        }

        return Debit(deposit.User, deposit.AssetMint, deposit.Assets) ?? MintShares(pool, deposit.User, deposit.Assets, shares, logs);
    }

    private ToolError? ApplyLendMint(LedgerOp.LendMint mint, List<string> logs)
    {
        logs.Add("Program log: Instruction: Mint");
        if (!_state.Pools.TryGetValue(mint.AssetMint, out var pool))
        {
            return Failed(FlowErrorKind.InvalidMint, $"no lending pool for mint {mint.AssetMint}");
        }

        Accrue(pool, _state.Slot);
        var assets = SharesToAssets(pool, mint.Shares, roundUp: true);
        return Debit(mint.User, mint.AssetMint, assets) ?? MintShares(pool, mint.User, assets, mint.Shares, logs);
    }

    private ToolError? ApplyLendWithdraw(LedgerOp.LendWithdraw withdraw, List<string> logs)
    {
        logs.Add("Program log: Instruction: Withdraw");
        if (!_state.Pools.TryGetValue(withdraw.AssetMint, out var pool))
        {
            return Failed(FlowErrorKind.InvalidMint, $"no lending pool for mint {withdraw.AssetMint}");
        }

        Accrue(pool, _state.Slot);
        var shares = AssetsToShares(pool, withdraw.Assets, roundUp: true);
        return BurnShares(pool, withdraw.User, withdraw.Assets, shares, logs);
    }

    private ToolError? ApplyLendRedeem(LedgerOp.LendRedeem redeem, List<string> logs)
    {
        logs.Add("Program log: Instruction: Redeem");
        if (!_state.Pools.TryGetValue(redeem.AssetMint, out var pool))
        {
            return Failed(FlowErrorKind.InvalidMint, $"no lending pool for mint {redeem.AssetMint}");
        }

        Accrue(pool, _state.Slot);
        var assets = SharesToAssets(pool, redeem.Shares, roundUp: false);
        return BurnShares(pool, redeem.User, assets, redeem.Shares, logs);
    }

    private ToolError? MintShares(PoolState pool, string user, ulong assets, ulong shares, List<string> logs)
    {
        var ata = AssociatedTokenAddress.Derive(user, pool.ShareMint);
        if (!_state.Accounts.TryGetValue(ata, out var account) || account.Token is not { } token)
        {
            return Failed(FlowErrorKind.TransactionFailed, $"AccountNotInitialized: share account {ata}");
        }

        _state.Positions.TryGetValue((user, pool.AssetMint), out var basis);
        if (!Fits(token.Amount, shares) || !Fits(pool.TotalShares, shares) || !Fits(pool.TotalAssets, assets) || !Fits(basis, assets))
        {
            return Overflowed(logs, $"the {pool.ShareMint} shares of {ata} or the pool's totals");
        }

        token.Amount += shares;
        pool.TotalAssets += assets;
        pool.TotalShares += shares;
        AddBasis(user, pool.AssetMint, assets);
        logs.Add($"Program log: minted {shares} shares for {assets} assets");
        return null;
    }

    private ToolError? BurnShares(PoolState pool, string user, ulong assets, ulong shares, List<string> logs)
    {
        var ata = AssociatedTokenAddress.Derive(user, pool.ShareMint);
        var held = _state.Accounts.TryGetValue(ata, out var account) && account.Token is { } t ? t.Amount : 0;
        if (held < shares)
        {
            logs.Add($"Program log: insufficient shares {held}, need {shares}");
            return Failed(FlowErrorKind.InsufficientFunds, "custom program error: 0x1");
        }

        if (pool.TotalAssets < assets || pool.TotalShares < shares)
        {
            return Failed(FlowErrorKind.Liquidity, "insufficient pool liquidity");
        }

        account!.Token!.Amount -= shares;
        pool.TotalAssets -= assets;
        pool.TotalShares -= shares;
        _state.Positions.TryGetValue((user, pool.AssetMint), out var basis);
        _state.Positions[(user, pool.AssetMint)] = basis > assets ? basis - assets : 0;
        logs.Add($"Program log: burned {shares} shares for {assets} assets");
        return Credit(user, pool.AssetMint, assets, logs);
    }

    private ToolError? Debit(string user, string mint, ulong amount)
    {
        if (mint == TokenCatalog.SolMint)
        {
            if (!_state.Accounts.TryGetValue(user, out var wallet) || wallet.Lamports < amount)
            {
                return Failed(FlowErrorKind.InsufficientFunds, "custom program error: 0x1");
            }

            wallet.Lamports -= amount;
            return null;
        }

        var ata = AssociatedTokenAddress.Derive(user, mint);
        if (!_state.Accounts.TryGetValue(ata, out var account) || account.Token is not { } token || token.Amount < amount)
        {
            return Failed(FlowErrorKind.InsufficientFunds, "custom program error: 0x1");
        }

        token.Amount -= amount;
        return null;
    }

    private ToolError? Credit(string user, string mint, ulong amount, List<string> logs)
    {
        if (mint == TokenCatalog.SolMint)
        {
            var wallet = _state.Accounts[user];
            if (!Fits(wallet.Lamports, amount))
            {
                return Overflowed(logs, $"the lamports of {user}");
            }

            wallet.Lamports += amount;
            return null;
        }

        var ata = AssociatedTokenAddress.Derive(user, mint);
        if (!_state.Accounts.TryGetValue(ata, out var account) || account.Token is not { } token)
        {
            return Failed(FlowErrorKind.TransactionFailed, $"AccountNotInitialized: {ata}");
        }

        if (!Fits(token.Amount, amount))
        {
            return Overflowed(logs, $"the balance of {ata}");
        }

        token.Amount += amount;
        return null;
    }

    private static void Accrue(PoolState pool, long slot)
    {
        var elapsed = slot - pool.LastAccrualSlot;
        if (elapsed <= 0)
        {
            return;
        }

        var interest = decimal.Floor(pool.TotalAssets * (pool.SupplyRateBps / 10_000m) * (elapsed * SlotSeconds / SecondsPerYear));

        // A pool near 2^64 - 1 base units stops earning rather than wrapping.
        pool.TotalAssets = interest >= ulong.MaxValue - pool.TotalAssets ? ulong.MaxValue : pool.TotalAssets + (ulong)interest;
        pool.LastAccrualSlot = slot;
    }

    private static ulong AssetsToShares(PoolState pool, ulong assets, bool roundUp) =>
        MulDiv(assets, pool.TotalShares, pool.TotalAssets, roundUp);

    private static ulong SharesToAssets(PoolState pool, ulong shares, bool roundUp) =>
        MulDiv(shares, pool.TotalAssets, pool.TotalShares, roundUp);

    private static ulong MulDiv(ulong value, ulong numerator, ulong denominator, bool roundUp)
    {
        if (denominator == 0)
        {
            return value;
        }

        var product = (UInt128)value * numerator;
        var quotient = product / denominator;
        if (roundUp && product % denominator != 0)
        {
            quotient++;
        }

        // Saturates: a larger value fails later as an overflow or a liquidity shortfall instead of wrapping here.
        return quotient > ulong.MaxValue ? ulong.MaxValue : (ulong)quotient;
    }
}
