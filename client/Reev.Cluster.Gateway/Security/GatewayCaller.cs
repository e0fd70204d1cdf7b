namespace Reev.Cluster.Gateway.Security;

/// <summary>Who is calling: the API key's name (or <c>local</c> in open loopback mode) and its role.</summary>
internal sealed record GatewayCaller(string Name, GatewayRole Role)
{
    public static GatewayCaller Local { get; } = new("local", GatewayRole.Admin);
}
