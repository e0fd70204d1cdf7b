namespace Reev.Cluster.Runtime;

/// <summary>An ask whose grain method failed (after its retries) or could not run.</summary>
public sealed class GrainInvocationException(string grain, string method, string error)
    : ReevClusterException($"{grain}.{method} failed: {error}")
{
    public string Grain { get; } = grain;

    public string Method { get; } = method;

    public string Error { get; } = error;
}
