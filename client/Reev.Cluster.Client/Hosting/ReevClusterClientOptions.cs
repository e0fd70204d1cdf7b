using System.ComponentModel.DataAnnotations;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Client.Hosting;

/// <summary>Settings of a remote cluster client (section <c>Reev:Client</c>).</summary>
public sealed class ReevClusterClientOptions
{
    public const string SectionName = "Reev:Client";

    /// <summary>Connection string of the cluster's PostgreSQL database (required).</summary>
    [Required]
    public string? ConnectionString { get; set; }

    /// <summary>Must equal the cluster's partition count (checked at connect). Default 256.</summary>
    [Range(1, 65536)]
    public int PartitionCount { get; set; } = SiloOptions.DefaultPartitionCount;

    /// <summary>How long an ask (a read of a grain) waits for its reply. Default 30 s.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Client identity in reply rows; a fresh one per process when empty.</summary>
    public string ClientId { get; set; } = string.Empty;
}
