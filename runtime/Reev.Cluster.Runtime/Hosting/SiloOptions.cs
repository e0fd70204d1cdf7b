using System.ComponentModel.DataAnnotations;

namespace Reev.Cluster.Runtime;

/// <summary>Settings of a silo (section <c>Reev:Silo</c>). Defaults are documented constants.</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Reev:Silo";
    public const int DefaultPartitionCount = 256;
    public const int DefaultMaxAttempts = 5;
    public const int DefaultCommitBatchSize = 256;
    public const int DefaultCommitLanes = 2;
    public const int DefaultFetchBatchSize = 1000;
    public const int DefaultMaxEnqueueTransactions = 2;

    /// <summary>The default <see cref="TurnTimeout"/>: 5 minutes, room for a step that calls external agents and tools.</summary>
    public static readonly TimeSpan DefaultTurnTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Unique silo identity; a fresh one per process when empty.</summary>
    public string SiloId { get; set; } = string.Empty;

    /// <summary>Partition count; fixed when the cluster's schema is created (DESIGN R2).</summary>
    [Range(1, 65536)]
    public int PartitionCount { get; set; } = DefaultPartitionCount;

    /// <summary>How long a silo's membership lease lasts without a heartbeat (failover time).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Heartbeat and rebalancing period.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Polling fallback for messages from other silos and clients (NOTIFY is only a hint).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Period of the full inbox sweep that finds late commits and delayed retries.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Period at which a silo that consumed messages since the last time reclaims their room in the queue tables
    /// (ADR 0010); zero or negative turns it off (the database's autovacuum alone then).
    /// </summary>
    public TimeSpan QueueReclaimInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Period at which due reminders are looked for.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Attempts before a failing message is dead-lettered (DESIGN R4).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = DefaultMaxAttempts;

    /// <summary>Delay before the second attempt of a failing message; doubles per attempt.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Idle activations are collected after this long.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Maximum turns per commit transaction.</summary>
    [Range(1, 10000)]
    public int CommitBatchSize { get; set; } = DefaultCommitBatchSize;

    /// <summary>Commit transactions in flight at once.</summary>
    [Range(1, 64)]
    public int CommitLanes { get; set; } = DefaultCommitLanes;

    /// <summary>
    /// INSERT transactions of sends from outside grains (a gateway's starts) in flight at once (ADR 0017). Sends that
    /// arrive together share one; more than one run only while few sends wait; a grain's sends stay in call order
    /// whatever the number. 1 suits callers that each await one send before the next (they batch better).
    /// </summary>
    [Range(1, 64)]
    public int MaxEnqueueTransactions { get; set; } = DefaultMaxEnqueueTransactions;

    /// <summary>Rows per inbox fetch.</summary>
    [Range(1, 100000)]
    public int FetchBatchSize { get; set; } = DefaultFetchBatchSize;

    /// <summary>Fetching pauses while this many messages wait in memory (back-pressure).</summary>
    public int MaxQueuedMessages { get; set; } = 20000;

    /// <summary>How long a client's ask waits for its reply.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a graceful stop waits for in-flight turns before handing partitions over.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long the grain's code of one turn (OnActivateAsync when it runs in that turn, then the method or
    /// ReceiveReminderAsync) may run before the turn is abandoned as a failed attempt (ADR 0014): its token is cancelled,
    /// its instance discarded, and the message retried (dead-lettered after MaxAttempts). Generous by default: a step turn
    /// may call external agents and tools. <see cref="Timeout.InfiniteTimeSpan"/> turns the limit off.
    /// </summary>
    public TimeSpan TurnTimeout { get; set; } = DefaultTurnTimeout;

    /// <summary>
    /// The in-memory provider keeps some values as objects instead of JSON (ADR 0016): a state that copies itself
    /// (<see cref="ICopyableState{TState}"/>) as its copy, and a message whose arguments are all immutable as those
    /// instances. When this is on they are serialized anyway and the JSON thrown away: a state or an argument that JSON
    /// cannot hold fails its turn or its send as on PostgreSQL, a copy must read as its state's JSON, and a committed copy
    /// must not change afterwards. For test suites (they turn it on, or set the environment variable
    /// <c>REEV_VERIFY_JSON=1</c>, its default); it costs what keeping objects saves.
    /// </summary>
    public bool VerifyJson { get; set; } = VerifyJsonByDefault;

    /// <summary>The default of <see cref="VerifyJson"/>: the environment variable <c>REEV_VERIFY_JSON</c> is 1 or true.</summary>
    internal static bool VerifyJsonByDefault => Environment.GetEnvironmentVariable("REEV_VERIFY_JSON") is "1" or "true";

    /// <summary>
    /// Why <paramref name="turnTimeout"/> cannot be a <see cref="TurnTimeout"/>, or null when it can: it must be positive
    /// (and within what a timer can wait for), or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    public static string? TurnTimeoutProblem(TimeSpan turnTimeout) =>
        turnTimeout == Timeout.InfiniteTimeSpan || (turnTimeout >= TimeSpan.FromMilliseconds(1) && turnTimeout <= MaxTurnTimeout)
            ? null
            : $"{SectionName}:TurnTimeout must be from 00:00:00.001 to {MaxTurnTimeout:c}, or -00:00:00.001 (Timeout.InfiniteTimeSpan) for no limit, not {turnTimeout} (hh:mm:ss; a bare number means days).";

    /// <summary>Refuses a <see cref="MaxEnqueueTransactions"/> (of a silo's or a client's section) outside 1-64, by name.</summary>
    internal static void CheckMaxEnqueueTransactions(string section, int value)
    {
        if (value is < 1 or > 64)
        {
            throw new ClusterConfigurationException($"{section}:MaxEnqueueTransactions must be between 1 and 64, not {value}.");
        }
    }

    // What Task.WaitAsync accepts (uint.MaxValue - 1 ms), rounded down to whole days.
    private static readonly TimeSpan MaxTurnTimeout = TimeSpan.FromDays(49);

    internal void Validate()
    {
        if (LeaseDuration <= HeartbeatInterval)
        {
            throw new ClusterConfigurationException(
                $"{SectionName}:LeaseDuration ({LeaseDuration}) must be longer than {SectionName}:HeartbeatInterval ({HeartbeatInterval}).");
        }

        if (PartitionCount is < 1 or > 65536)
        {
            throw new ClusterConfigurationException($"{SectionName}:PartitionCount must be between 1 and 65536, not {PartitionCount}.");
        }

        CheckMaxEnqueueTransactions(SectionName, MaxEnqueueTransactions);

        if (MaxAttempts < 1)
        {
            throw new ClusterConfigurationException($"{SectionName}:MaxAttempts must be at least 1, not {MaxAttempts}.");
        }

        if (TurnTimeoutProblem(TurnTimeout) is { } problem)
        {
            throw new ClusterConfigurationException(problem);
        }
    }
}
