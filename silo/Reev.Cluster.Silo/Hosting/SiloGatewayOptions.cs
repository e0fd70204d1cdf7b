namespace Reev.Cluster.Silo.Hosting;

/// <summary>
/// Whether this silo process also serves the REST API gateway (section <c>Reev:Silo:Gateway</c>); the gateway's own
/// settings stay in <c>Reev:Gateway</c>.
/// </summary>
internal sealed class SiloGatewayOptions
{
    public const string SectionName = "Reev:Silo:Gateway";
    public const bool DefaultEnabled = true;

    /// <summary>
    /// On (the default): <c>/api/v1/**</c> and <c>/openapi/v1.json</c> on the health port, over this silo. Off: only
    /// <c>/health/live</c> and <c>/health/ready</c> (silos of a cluster behind a separate gateway).
    /// </summary>
    public bool Enabled { get; set; } = DefaultEnabled;
}
