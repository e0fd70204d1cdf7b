using Microsoft.Extensions.Logging;
using Reev.Cluster.Planning.Intents;

namespace Reev.Cluster.Planning.Diagnostics;

/// <summary>Source-generated log messages of the planning component (event ids 5100-5199).</summary>
internal static partial class PlanningLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Debug, Message = "Planned {PlanId} in {Mode} mode: {StepCount} steps in {ElapsedMs} ms")]
    public static partial void Planned(ILogger logger, string planId, string mode, int stepCount, double elapsedMs);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Debug, Message = "Prompt rejected ({Reason}): {Detail}")]
    public static partial void Rejected(ILogger logger, RejectionReason reason, string detail);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Debug, Message = "Bridge file {Path} written ({Bytes} bytes)")]
    public static partial void BridgeFileWritten(ILogger logger, string path, int bytes);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Bridge file {Path} could not be removed")]
    public static partial void BridgeFileNotRemoved(ILogger logger, Exception exception, string path);
}
