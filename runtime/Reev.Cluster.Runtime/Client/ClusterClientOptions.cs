namespace Reev.Cluster.Runtime;

/// <summary>Settings of a cluster client (section <c>Reev:Client</c>).</summary>
public sealed class ClusterClientOptions
{
    public const string SectionName = "Reev:Client";

    /// <summary>Client identity in reply rows; a fresh one per process when empty.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Must equal the cluster's partition count (checked at connect).</summary>
    public int PartitionCount { get; set; } = SiloOptions.DefaultPartitionCount;

    /// <summary>How long an ask waits for its reply.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>INSERT transactions of this client's sends in flight at once; see <see cref="SiloOptions.MaxEnqueueTransactions"/>.</summary>
    public int MaxEnqueueTransactions { get; set; } = SiloOptions.DefaultMaxEnqueueTransactions;

    /// <summary>Polling fallback for replies while asks wait (NOTIFY only shortens the wait).</summary>
    public TimeSpan ReplyPollInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
