namespace Reev.Cluster.Flows.Agents;

/// <summary>Recovery inputs for an attempt.</summary>
/// <param name="AmountOverride">Base units to use for the step's main action instead of what the prompt says.</param>
/// <param name="AmountScale">Factor applied to the prompt's amount (0.5 = half) when no override is given.</param>
/// <param name="Venue">Swap venue: "jupiter" (default) or "raydium" (the alternate simulated venue).</param>
/// <param name="PreviousReceived">Mint → base units the wallet received in the previous steps ("what I received", "it").</param>
public sealed record AgentHints(
    ulong? AmountOverride,
    decimal? AmountScale,
    string? Venue,
    IReadOnlyDictionary<string, ulong>? PreviousReceived)
{
    public static AgentHints None { get; } = new(null, null, null, null);
}
