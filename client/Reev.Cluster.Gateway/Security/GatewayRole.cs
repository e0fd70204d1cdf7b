namespace Reev.Cluster.Gateway.Security;

/// <summary>Roles of API keys; each includes the ones below it.</summary>
internal enum GatewayRole
{
    Reader = 1,
    Operator = 2,
    Admin = 3,
}
