namespace Reev.Cluster.Silo.Health;

/// <summary>What <c>/health/ready</c> reports.</summary>
internal readonly record struct SiloReadinessReport(bool Ready, string Detail, int OwnedPartitions, int PartitionCount);
