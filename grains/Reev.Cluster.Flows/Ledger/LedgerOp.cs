namespace Reev.Cluster.Flows.Ledger;

/// <summary>The typed effect of an instruction, executed by the simulated program.</summary>
internal abstract record LedgerOp
{
    public sealed record SystemTransfer(string From, string To, ulong Lamports) : LedgerOp;

    public sealed record TokenTransfer(string Source, string Destination, string Authority, ulong Amount) : LedgerOp;

    public sealed record CreateAssociatedTokenAccount(string Payer, string Address, string Owner, string Mint) : LedgerOp;

    public sealed record Swap(SwapVenue Venue, string User, string InputMint, string OutputMint, ulong Amount, ulong QuotedOut, int SlippageBps, int DriftBps) : LedgerOp;

    public sealed record LendDeposit(string User, string AssetMint, ulong Assets) : LedgerOp;

    public sealed record LendWithdraw(string User, string AssetMint, ulong Assets) : LedgerOp;

    public sealed record LendMint(string User, string AssetMint, ulong Shares) : LedgerOp;

    public sealed record LendRedeem(string User, string AssetMint, ulong Shares) : LedgerOp;
}
