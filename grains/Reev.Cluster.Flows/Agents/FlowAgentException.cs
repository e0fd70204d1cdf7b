namespace Reev.Cluster.Flows.Agents;

/// <summary>An agent failed for an infrastructure reason (LLM endpoint down, bad response).</summary>
public sealed class FlowAgentException : Exception
{
    public FlowAgentException()
    {
    }

    public FlowAgentException(string message)
        : base(message)
    {
    }

    public FlowAgentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when a retry may succeed (default true).</summary>
    public bool IsTransient { get; init; } = true;
}
