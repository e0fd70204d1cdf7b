namespace Reev.Cluster.Runtime.Storage;

/// <summary>Ownership of one partition at one epoch (DESIGN R2, R3).</summary>
internal readonly record struct PartitionLease(int Partition, long Epoch);
