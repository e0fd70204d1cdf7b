namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// A Jupiter Lend Earn position given as <c>owner: jup3Y…</c> with <c>data: {jUSDC_balance: "…"}</c>
/// (benchmark 304). Interpreted as jl-token shares held by the entry's pubkey; see the project README, "Benchmark 304".
/// </summary>
/// <param name="Field">The data key as written (<c>jUSDC_balance</c>), kept for write-back.</param>
/// <param name="ShareMint">The jl-token mint the shares belong to.</param>
/// <param name="Shares">Shares in base units.</param>
public sealed record LendingPositionData(string Field, string ShareMint, ulong Shares);
