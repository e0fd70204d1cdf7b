namespace Reev.Cluster.Gateway.Security;

/// <summary>Endpoint metadata: the least role that may call it (reader when absent).</summary>
internal sealed record RequiredRole(GatewayRole Role);
