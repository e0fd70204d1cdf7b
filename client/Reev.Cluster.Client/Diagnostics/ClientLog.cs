using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Client.Diagnostics;

/// <summary>Source-generated logs of the cluster client (event ids 5200-5219).</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Information, Message = "Cluster client {ClientId} connected ({PartitionCount} partitions)")]
    public static partial void Connected(ILogger logger, string clientId, int partitionCount);

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Cluster readiness check failed: {Reason}")]
    public static partial void ReadinessFailed(ILogger logger, string reason);
}
