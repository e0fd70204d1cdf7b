using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Client;

/// <summary>
/// A connection to a Reev cluster as a client sees it: grain references (commands and asks) and the read models
/// (listings and status without asking grains). Remote (<see cref="Hosting.ClientServiceCollectionExtensions.AddReevClusterClient"/>)
/// or co-hosted with a silo (the gateway's embedded mode).
/// </summary>
public interface IReevCluster
{
    /// <summary>References to grains; available once the host has started.</summary>
    IGrainFactory Grains { get; }

    /// <summary>Query side: executions, step sessions, consolidated sessions.</summary>
    IExecutionReadModel ReadModel { get; }

    /// <summary>Whether the cluster can take work: store reachable and every partition owned by a live silo.</summary>
    Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken);
}
