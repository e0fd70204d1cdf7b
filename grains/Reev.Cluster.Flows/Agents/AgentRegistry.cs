namespace Reev.Cluster.Flows.Agents;

/// <summary>The agents by registry name (case-insensitive).</summary>
public sealed class AgentRegistry
{
    private readonly Dictionary<string, IFlowAgent> _agents = new(StringComparer.OrdinalIgnoreCase);

    public AgentRegistry(IEnumerable<IFlowAgent> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        foreach (var agent in agents)
        {
            _agents[agent.Name] = agent;
        }
    }

    /// <summary>The offline agents: <c>deterministic</c> and <c>noop</c>.</summary>
    public static AgentRegistry CreateDefault() => new([new DeterministicAgent(), new NoopAgent()]);

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => [.. _agents.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The agent of a name.</summary>
    public bool TryGet(string name, out IFlowAgent agent)
    {
        if (name is not null && _agents.TryGetValue(name, out var found))
        {
            agent = found;
            return true;
        }

        agent = null!;
        return false;
    }
}
