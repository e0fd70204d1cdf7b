namespace Reev.Cluster.Planning.Context;

/// <summary>An oracle price of one whole token in USD.</summary>
public sealed record TokenPrice(string Symbol, string Mint, decimal PriceUsd);
