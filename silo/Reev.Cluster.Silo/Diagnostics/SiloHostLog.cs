using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Silo.Diagnostics;

/// <summary>The silo process's lifecycle log (category <c>Reev.Cluster.Silo</c>).</summary>
internal static partial class SiloHostLog
{
    [LoggerMessage(1, LogLevel.Information, "Starting silo {SiloId} on {Provider} with {PartitionCount} partitions; health on http://{Address}:{Port}")]
    public static partial void Starting(ILogger logger, string siloId, string provider, int partitionCount, string address, int port);

    [LoggerMessage(2, LogLevel.Information, "Silo {SiloId} started: owns {OwnedPartitions} of {PartitionCount} partitions")]
    public static partial void Started(ILogger logger, string siloId, int ownedPartitions, int partitionCount);

    [LoggerMessage(3, LogLevel.Information, "Silo {SiloId} stopping: draining and handing {OwnedPartitions} partitions over within {GracePeriod}")]
    public static partial void Stopping(ILogger logger, string siloId, int ownedPartitions, TimeSpan gracePeriod);

    [LoggerMessage(4, LogLevel.Information, "Silo {SiloId} stopped after {ElapsedMs} ms")]
    public static partial void Stopped(ILogger logger, string siloId, long elapsedMs);

    [LoggerMessage(5, LogLevel.Error, "Silo {SiloId} did not stop within {GracePeriod}: killed; its partitions pass on when their leases expire")]
    public static partial void GracePeriodExceeded(ILogger logger, string siloId, TimeSpan gracePeriod);

    [LoggerMessage(6, LogLevel.Information, "Exporting traces and metrics over OTLP to {Endpoint}")]
    public static partial void OtlpExport(ILogger logger, string endpoint);
}
