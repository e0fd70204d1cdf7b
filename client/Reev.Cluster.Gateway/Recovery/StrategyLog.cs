using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Gateway.Recovery;

/// <summary>Source-generated logs of the strategy endpoints (event ids 5340-5344 of the gateway's 5300-5349).</summary>
internal static partial class StrategyLog
{
    [LoggerMessage(EventId = 5340, Level = LogLevel.Information, Message = "Recovery strategy {StrategyId} registered by {Caller} (alternate {Alternate})")]
    public static partial void StrategyRegistered(ILogger logger, string strategyId, string caller, string alternate);

    [LoggerMessage(EventId = 5341, Level = LogLevel.Information, Message = "Recovery strategy {StrategyId} deleted by {Caller}")]
    public static partial void StrategyDeleted(ILogger logger, string strategyId, string caller);
}
