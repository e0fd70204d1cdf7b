namespace Reev.Cluster.Flows.Ledger;

/// <summary>Faults a <see cref="FaultSpec"/> can inject into tool calls.</summary>
public enum FaultKind
{
    /// <summary>A transient RPC error ("blockhash not found"); nothing is sent; retryable.</summary>
    Transient = 0,

    /// <summary>The RPC call times out; nothing is sent; retryable.</summary>
    Timeout = 1,

    /// <summary>The swap executes <see cref="FaultSpec.SpikeBps"/> worse than quoted, tripping the slippage check (0x1771).</summary>
    Slippage = 2,

    /// <summary>The venue can route at most <see cref="FaultSpec.LiquidityCapUsd"/> for this call.</summary>
    Liquidity = 3,

    /// <summary>The Jupiter venue is unavailable; the alternate venue is not affected.</summary>
    Venue = 4,
}
