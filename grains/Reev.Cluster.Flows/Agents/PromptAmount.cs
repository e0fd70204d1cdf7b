namespace Reev.Cluster.Flows.Agents;

/// <summary>An amount as a prompt states it.</summary>
internal abstract record PromptAmount
{
    /// <summary>"0.1 SOL": a number of whole tokens.</summary>
    public sealed record Exact(decimal Value, string? Symbol) : PromptAmount;

    /// <summary>"50% of my SOL".</summary>
    public sealed record Percent(decimal Value, string? Symbol) : PromptAmount;

    /// <summary>"all", "everything", "the full balance".</summary>
    public sealed record All(string? Symbol) : PromptAmount;

    /// <summary>"it", "what I received": the output of an earlier action.</summary>
    public sealed record Previous(string? Symbol) : PromptAmount;
}
