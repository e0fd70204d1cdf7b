using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Runtime.Diagnostics;

internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Information, "Silo {SiloId} started on provider {Provider} with {PartitionCount} partitions")]
    public static partial void SiloStarted(ILogger logger, string siloId, string provider, int partitionCount);

    [LoggerMessage(2, LogLevel.Information, "Silo {SiloId} stopped gracefully, {Released} partitions handed over")]
    public static partial void SiloStopped(ILogger logger, string siloId, int released);

    [LoggerMessage(3, LogLevel.Information, "Silo {SiloId} acquired {Count} partitions (now owns {Owned})")]
    public static partial void PartitionsAcquired(ILogger logger, string siloId, int count, int owned);

    [LoggerMessage(4, LogLevel.Information, "Silo {SiloId} released {Count} partitions (now owns {Owned})")]
    public static partial void PartitionsReleased(ILogger logger, string siloId, int count, int owned);

    [LoggerMessage(5, LogLevel.Warning, "Silo {SiloId} lost {Count} partitions to another silo (fenced)")]
    public static partial void PartitionsLost(ILogger logger, string siloId, int count);

    [LoggerMessage(6, LogLevel.Warning, "Turn of {Grain}.{Method} failed (attempt {Attempt} of {MaxAttempts})")]
    public static partial void TurnFailed(ILogger logger, Exception exception, string grain, string method, int attempt, int maxAttempts);

    [LoggerMessage(7, LogLevel.Error, "Message {MessageId} to {Grain}.{Method} dead-lettered after {Attempts} attempts: {Error}")]
    public static partial void DeadLettered(ILogger logger, long messageId, string grain, string method, int attempts, string error);

    [LoggerMessage(8, LogLevel.Warning, "Commit of {Count} turns failed; their activations will reload")]
    public static partial void CommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(9, LogLevel.Warning, "Silo {SiloId} background loop {Loop} failed; retrying")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string siloId, string loop);

    [LoggerMessage(10, LogLevel.Debug, "Turn {Grain}.{Method} message {MessageId} committed")]
    public static partial void TurnCommitted(ILogger logger, string grain, string method, long messageId);

    [LoggerMessage(11, LogLevel.Warning, "Silo {SiloId} was killed abruptly (test)")]
    public static partial void SiloKilled(ILogger logger, string siloId);

    [LoggerMessage(12, LogLevel.Warning, "Turn of {Grain} skipped: its message {MessageId} was already consumed (duplicate delivery)")]
    public static partial void DuplicateTurn(ILogger logger, string grain, long messageId);

    [LoggerMessage(13, LogLevel.Debug, "Silo {SiloId} reclaimed queue space after {Consumed} consumed messages in {DurationMs} ms")]
    public static partial void QueueReclaimed(ILogger logger, string siloId, long consumed, double durationMs);

    [LoggerMessage(14, LogLevel.Warning, "The store refused the commit of {Grain}'s turn on message {MessageId}; the turn counts as a failed attempt")]
    public static partial void CommitRejected(ILogger logger, Exception exception, string grain, long messageId);

    [LoggerMessage(15, LogLevel.Error, "Silo {SiloId}: the activation of {Grain} failed outside a turn; it is dropped and its messages are read again")]
    public static partial void ActivationFailed(ILogger logger, Exception exception, string siloId, string grain);

    [LoggerMessage(17, LogLevel.Error, "Silo {SiloId}: another process took this silo id over while this one was paused past its lease; this process is no longer a member, and stops")]
    public static partial void Superseded(ILogger logger, Exception exception, string siloId);

    [LoggerMessage(30, LogLevel.Information, "Silo {SiloId} stopped during its start; it handed {Released} partitions over and left the cluster")]
    public static partial void LeftAfterFailedStart(ILogger logger, string siloId, int released);

    [LoggerMessage(16, LogLevel.Warning, "The commit of {Grain}.{Method}'s turn on message {MessageId} ended without an answer and took the message: its reply is delivered now")]
    public static partial void InDoubtReplyDelivered(ILogger logger, string grain, string method, long messageId);

    [LoggerMessage(40, LogLevel.Warning, "Commit of {Count} turns rolled back for a passing reason; they run again without counting an attempt")]
    public static partial void CommitNotApplied(ILogger logger, Exception exception, int count);

    [LoggerMessage(41, LogLevel.Warning, "The state of {Grain} could not be read for {Method}; the message runs again without counting an attempt")]
    public static partial void StateUnavailable(ILogger logger, Exception exception, string grain, string method);

    [LoggerMessage(42, LogLevel.Warning, "The commits of {Grain}.{Method} (message {MessageId}) keep ending without an answer: counted as failed attempt {Attempt} of {MaxAttempts}")]
    public static partial void UnknownOutcomeCounted(ILogger logger, string grain, string method, long messageId, int attempt, int maxAttempts);

    [LoggerMessage(43, LogLevel.Warning, "Message {MessageId} of {Grain}.{Method} was due on a silo that died (its partition's lease expired): counted as failed attempt {Attempt} of {MaxAttempts} before it runs again")]
    public static partial void TakeoverAttemptCounted(ILogger logger, string grain, string method, long messageId, int attempt, int maxAttempts);

    [LoggerMessage(44, LogLevel.Warning, "Turn of {Grain}.{Method} did not finish within {TurnTimeout} and was abandoned: its token is cancelled, its instance discarded (failed attempt {Attempt} of {MaxAttempts})")]
    public static partial void TurnTimedOut(ILogger logger, string grain, string method, TimeSpan turnTimeout, int attempt, int maxAttempts);

    [LoggerMessage(45, LogLevel.Warning, "Message {MessageId} of {Grain}.{Method} was in partition {From}, its grain is placed in {To} (a placement rule changed with messages in flight, ADR 0015): forwarded there")]
    public static partial void MessageForwarded(ILogger logger, string grain, string method, long messageId, int from, int to);
}
