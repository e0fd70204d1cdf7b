namespace Reev.Cluster.Planning.Context;

/// <summary>A wallet's holding of one SPL token (summed over its token accounts), in base units.</summary>
public sealed record TokenBalance(string Symbol, string Mint, int Decimals, ulong Amount);
