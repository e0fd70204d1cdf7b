using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Runtime.Postgres;

internal static partial class PostgresLog
{
    [LoggerMessage(101, LogLevel.Warning, "LISTEN connection failed; reconnecting (polling covers the gap)")]
    public static partial void ListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(102, LogLevel.Warning, "Commit rejected by fencing: {Lost} partitions lost")]
    public static partial void Fenced(ILogger logger, int lost);
}
