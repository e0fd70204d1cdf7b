namespace Reev.Cluster.Flows.Running;

/// <summary>Balances of one placeholder's account before and after the run.</summary>
/// <param name="Placeholder">The placeholder name.</param>
/// <param name="Address">Its address in this run.</param>
/// <param name="InitialLamports">Lamports before.</param>
/// <param name="FinalLamports">Lamports after.</param>
/// <param name="Mint">Token mint for token accounts.</param>
/// <param name="InitialTokenAmount">Token amount before (token accounts).</param>
/// <param name="FinalTokenAmount">Token amount after (token accounts).</param>
public sealed record PlaceholderBalance(
    string Placeholder,
    string Address,
    ulong InitialLamports,
    ulong FinalLamports,
    string? Mint,
    ulong? InitialTokenAmount,
    ulong? FinalTokenAmount);
