namespace Reev.Cluster.Flows.Scoring;

/// <summary>How one expected instruction matched the executed instruction at the same index.</summary>
/// <param name="Index">0-based pair index.</param>
/// <param name="Present">False when no instruction was executed at this index (scores 0).</param>
/// <param name="ProgramIdMatched">Program id matched.</param>
/// <param name="DataMatched">Data matched (null when not scored).</param>
/// <param name="AccountsMatched">Accounts that matched pubkey, signer and writable.</param>
/// <param name="AccountsExpected">Accounts expected.</param>
/// <param name="Achieved">Weight achieved.</param>
/// <param name="Total">Weight possible.</param>
public sealed record InstructionMatch(
    int Index,
    bool Present,
    bool ProgramIdMatched,
    bool? DataMatched,
    int AccountsMatched,
    int AccountsExpected,
    double Achieved,
    double Total);
