namespace Reev.Cluster.Runtime;

/// <summary>The silo or client is configured in a way that cannot work (names the setting).</summary>
public sealed class ClusterConfigurationException(string message, Exception? innerException = null)
    : ReevClusterException(message, innerException);
