namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>An <c>initial_state</c> entry.</summary>
/// <param name="Pubkey">Placeholder or base58 address.</param>
/// <param name="Owner">Owning program id (System or SPL Token), or Jupiter Lend for the 304 position entry.</param>
/// <param name="Lamports">Lamports; absent only on the 304 position entry.</param>
/// <param name="Data">SPL token account data, when the account is a token account.</param>
/// <param name="LendingPosition">The interpretation of 304's non-conforming entry (see the project README, "Benchmark 304").</param>
public sealed record InitialStateItem(
    string Pubkey,
    string Owner,
    ulong? Lamports,
    TokenAccountData? Data,
    LendingPositionData? LendingPosition);
