using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Cli.Diagnostics;

/// <summary>Source-generated log messages of the CLI (event ids 7000-7099).</summary>
internal static partial class CliLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Warning, Message = "Cancelling execution {ExecutionId}: {Reason}")]
    public static partial void Cancelling(ILogger logger, string executionId, string reason);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "Execution {ExecutionId} did not reach a final state within {WaitMs} ms after its cancellation")]
    public static partial void CancelNotConfirmed(ILogger logger, string executionId, double waitMs);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "The embedded silo did not stop cleanly")]
    public static partial void SiloStopFailed(ILogger logger, Exception exception);
}
