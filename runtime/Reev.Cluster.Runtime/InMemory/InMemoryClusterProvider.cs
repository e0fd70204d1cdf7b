using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.InMemory;

/// <summary>
/// The embedded default: the cluster's durable state kept in this process's memory. Silos created
/// from one provider share its data, so a silo restarted on the same provider finds its grains'
/// state, reminders and pending messages again (DESIGN R9).
/// </summary>
public sealed class InMemoryClusterProvider : ClusterProvider
{
    private readonly InMemoryDatabase _database = new();

    internal InMemoryDatabase Database => _database;

    internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        new InMemoryRuntimeStore(_database, partitionCount, timeProvider);
}
