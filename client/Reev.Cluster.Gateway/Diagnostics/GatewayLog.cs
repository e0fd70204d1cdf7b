using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Gateway.Diagnostics;

/// <summary>Source-generated logs of the gateway (event ids 5300-5349).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 5300, Level = LogLevel.Debug, Message = "Execution {ExecutionId} accepted ({Kind}) from {Caller}")]
    public static partial void ExecutionAccepted(ILogger logger, string executionId, string kind, string caller);

    [LoggerMessage(EventId = 5301, Level = LogLevel.Information, Message = "Execution {ExecutionId} cancelled by {Caller}")]
    public static partial void ExecutionCancelled(ILogger logger, string executionId, string caller);

    [LoggerMessage(EventId = 5302, Level = LogLevel.Debug, Message = "Request {Method} {Path} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 5303, Level = LogLevel.Warning, Message = "Request {Method} {Path} failed on the cluster: {Error}")]
    public static partial void ClusterFailed(ILogger logger, string method, string path, string error);

    [LoggerMessage(EventId = 5304, Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 5305, Level = LogLevel.Information, Message = "Embedded silo {SiloId} started ({Provider} provider)")]
    public static partial void EmbeddedSiloStarted(ILogger logger, string siloId, string provider);

    [LoggerMessage(EventId = 5306, Level = LogLevel.Warning, Message = "No API keys configured: the gateway is open to loopback clients only, and refuses every other client")]
    public static partial void OpenOnLoopback(ILogger logger);

    [LoggerMessage(EventId = 5307, Level = LogLevel.Warning, Message = "Embedded silo did not stop cleanly")]
    public static partial void SiloStopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5308, Level = LogLevel.Information, Message = "Recovery defaults changed by {Caller}")]
    public static partial void RecoveryDefaultsChanged(ILogger logger, string caller);

    [LoggerMessage(EventId = 5309, Level = LogLevel.Debug, Message = "Flow file {File} of the benchmark folder does not load: {Error}")]
    public static partial void BenchmarkInvalid(ILogger logger, string file, string error);
}
