namespace Reev.Cluster.Client;

/// <summary>Readiness of a cluster: its store answers and its partitions are owned.</summary>
/// <param name="Ready">True when work submitted now will be picked up.</param>
/// <param name="Detail">Why not, or a short summary.</param>
/// <param name="OwnedPartitions">Partitions held by live silos.</param>
/// <param name="PartitionCount">The cluster's partition count.</param>
public sealed record ClusterReadiness(bool Ready, string Detail, int OwnedPartitions, int PartitionCount);
