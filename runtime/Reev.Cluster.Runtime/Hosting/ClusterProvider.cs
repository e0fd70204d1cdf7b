using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime;

/// <summary>Where a cluster keeps its durable state: in memory or in PostgreSQL (DESIGN R9).</summary>
public abstract class ClusterProvider
{
    internal abstract IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory);
}
