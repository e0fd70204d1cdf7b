using Reev.Cluster.Client.Gateway;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// Follows an execution through the gateway: its server-sent events live (the client resumes a dropped stream with
/// <c>Last-Event-ID</c>, so none is lost or repeated) until the stream ends after <c>final</c>, then its state, read
/// until its consolidation is over too (as the local follower does).
/// </summary>
internal static class RemoteFollower
{
    /// <summary>How often the state is read while a final execution's consolidation still runs.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a final execution's consolidation is waited for before its state is reported as it is.</summary>
    private static readonly TimeSpan SettleWait = TimeSpan.FromSeconds(10);

    public static async Task<GatewayResponse<GatewayExecution>> FollowAsync(GatewayConnection connection, string executionId, Action<GatewayEvent> onEvent, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(onEvent);
        await foreach (var e in connection.Client.StreamEventsAsync(executionId, 0, cancellationToken).ConfigureAwait(false))
        {
            onEvent(e);
        }

        return await WaitSettledAsync(connection, executionId, timeProvider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the execution until it is final and consolidated (or final for <see cref="SettleWait"/>).</summary>
    public static async Task<GatewayResponse<GatewayExecution>> WaitSettledAsync(GatewayConnection connection, string executionId, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(timeProvider);
        long? finalSince = null;
        while (true)
        {
            var read = await connection.Client.GetExecutionAsync(executionId, cancellationToken).ConfigureAwait(false);
            if (read.Value is not { } execution || execution.IsSettled)
            {
                return read;
            }

            if (execution.IsFinal)
            {
                finalSince ??= timeProvider.GetTimestamp();
                if (timeProvider.GetElapsedTime(finalSince.Value) >= SettleWait)
                {
                    return read;
                }
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }
}
