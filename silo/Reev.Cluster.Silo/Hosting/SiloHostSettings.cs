using System.Net;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Silo.Hosting;

/// <summary>The validated configuration of one silo process.</summary>
internal sealed record SiloHostSettings(
    SiloOptions Silo,
    SiloHostOptions Host,
    string Provider,
    string? ConnectionString,
    IPAddress ListenAddress,
    bool JsonLogs,
    bool GatewayEnabled)
{
    public bool IsPostgres => Provider == SiloHostOptions.PostgresProvider;
}
