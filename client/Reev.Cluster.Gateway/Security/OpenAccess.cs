namespace Reev.Cluster.Gateway.Security;

/// <summary>Endpoint metadata: no key and no rate limit (health probes).</summary>
internal sealed class OpenAccess
{
    public static OpenAccess Instance { get; } = new();
}
