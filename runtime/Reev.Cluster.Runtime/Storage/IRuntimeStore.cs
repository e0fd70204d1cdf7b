namespace Reev.Cluster.Runtime.Storage;

/// <summary>
/// The provider contract (DESIGN R9): everything the shared activation engine needs from
/// durable storage. Implemented in memory (one silo, no database) and on PostgreSQL.
/// </summary>
internal interface IRuntimeStore : IAsyncDisposable
{
    string ProviderName { get; }

    int PartitionCount { get; }

    /// <summary>
    /// Whether the store lives in this process and keeps objects instead of their JSON (ADR 0016): a state that copies
    /// itself as that copy (a turn commits <see cref="TurnCommit.StateCopy"/>), and a message whose arguments are all
    /// immutable with those instances and no payload (<see cref="OutboundMessage.Payload"/> null).
    /// </summary>
    bool KeepsObjects => false;

    /// <summary>
    /// How long a group enqueue of outside sends waits for company while sends keep coming (ADR 0025): worth it where
    /// each INSERT is a transaction and a round trip; zero (no wait) for a store in this process.
    /// </summary>
    TimeSpan EnqueueGatherWindow => TimeSpan.Zero;

    /// <summary>Applies migrations and creates the cluster's partitions if absent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Renews the silo's membership lease and returns the live silos, sorted. The incarnation tells this
    /// process apart from another live process under the same silo id: that would share the id's leases and
    /// pass every fence, so the heartbeat is refused with <see cref="ClusterConfigurationException"/> instead.
    /// A heartbeat that takes the id over from another incarnation (whose lease ran out, or that left) releases every
    /// partition the id holds, after the commits in flight on them ended: the previous process may only be paused, and
    /// the fence names the owner by silo id, so it would pass at the same epochs.
    /// </summary>
    Task<IReadOnlyList<string>> HeartbeatAsync(string siloId, Guid incarnation, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>The partitions this silo owns, with their epochs.</summary>
    Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes up to <paramref name="count"/> free or expired partitions, each at a new epoch; none unless
    /// <paramref name="incarnation"/> holds the silo id (a superseded process claims nothing under it).
    /// </summary>
    Task<IReadOnlyList<PartitionLease>> ClaimAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="ClaimAsync"/>, telling for each partition claimed whether it was taken from an owner whose lease ran out
    /// (<c>Expired</c>: that owner may have died in a turn, DESIGN R4), as against a partition that was free (released by a
    /// graceful hand-over, or never owned). The claim the silo makes; every store implements it (a default that reported
    /// nothing as expired let a wrapped store drop the crash-takeover count silently).
    /// </summary>
    Task<IReadOnlyList<(PartitionLease Lease, bool Expired)>> ClaimTakingOverAsync(
        string siloId, Guid incarnation, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Gives partitions up at once (graceful hand-over). Only the leases named, at their epochs: a process that took the
    /// silo id over claimed its partitions at newer epochs, which a stale process's release does not touch.
    /// </summary>
    Task ReleaseAsync(string siloId, IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the silo as gone so that others rebalance without waiting for its lease; only while
    /// <paramref name="incarnation"/> holds the id (a stale process must not mark the process that took its id over as left).
    /// </summary>
    Task LeaveAsync(string siloId, Guid incarnation, CancellationToken cancellationToken);

    Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Messages of the given partitions after <paramref name="after"/>, in commit order: a row is
    /// returned only once every row that could precede it is visible, so a cursor never skips one.
    /// </summary>
    Task<FetchPage> FetchAsync(
        IReadOnlyCollection<int> partitions, FetchCursor after, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Reads every pending message of the given partitions from one consistent snapshot, page by page
    /// in id order, handing each page to <paramref name="onPage"/> until it returns false. Returns true
    /// when the whole snapshot was read. A message visible in the snapshot has every message committed
    /// before it visible too, so a sweep never delivers a sender's later message without its earlier one.
    /// </summary>
    Task<bool> SweepAsync(
        IReadOnlyCollection<int> partitions, int pageSize, Func<IReadOnlyList<StoredMessage>, bool> onPage, CancellationToken cancellationToken);

    Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken);

    /// <summary>Commits a batch of turns in one transaction fenced by the silo's leases.</summary>
    Task<CommitResult> CommitAsync(
        string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken);

    /// <summary>Turns due reminders of owned partitions into messages (fenced); returns the enqueued messages.</summary>
    Task<IReadOnlyList<StoredMessage>> FireDueRemindersAsync(
        string siloId, IReadOnlyList<PartitionLease> owned, DateTimeOffset now, int max, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the replies to <paramref name="requestIds"/> (this process's pending asks) sent to <paramref name="clientId"/>.
    /// Only those: another process configured with the same client id must not lose its replies to this one.
    /// </summary>
    Task<IReadOnlyList<(Guid RequestId, string? Payload, string? Error)>> TakeRepliesAsync(
        string clientId, IReadOnlyCollection<Guid> requestIds, CancellationToken cancellationToken);

    /// <summary>
    /// Whether message <paramref name="messageId"/> is still pending, read in one snapshot with whether
    /// <paramref name="siloId"/> still holds <paramref name="lease"/>; null when it does not. Settles a commit whose outcome
    /// is unknown (ADR 0013): a message gone while its silo kept the lease was taken by that silo's commit.
    /// </summary>
    Task<bool?> IsPendingUnderLeaseAsync(string siloId, PartitionLease lease, long messageId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Counts pending messages exactly (checks and tools).</summary>
    Task<long> CountPendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The inbox depth for the metrics gauge, sampled at each heartbeat of every silo: an estimate where an exact count
    /// would scan the whole queue table (PostgreSQL: its live-row statistic).
    /// </summary>
    Task<long> EstimatePendingAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the room of consumed messages and fired reminders reusable by new ones, so that the queue tables stay
    /// the size of the work in flight instead of growing until the database's own maintenance comes by (PostgreSQL:
    /// a VACUUM of the queue tables that skips a table another silo is vacuuming), and deletes replies unread for
    /// <see cref="ReplyRecord.OrphanedAge"/> (their client gave up or went away). Returns false where there is nothing to
    /// reclaim, which ends the silo's reclaim loop.
    /// </summary>
    Task<bool> ReclaimQueueSpaceAsync(CancellationToken cancellationToken);

    /// <summary>Hints other silos and clients that work or replies wait (debounced by the caller).</summary>
    Task NotifyAsync(WakeSignal signal, CancellationToken cancellationToken);

    /// <summary>Starts receiving wake hints; the handler must be cheap.</summary>
    Task SubscribeAsync(Action<WakeSignal> handler, CancellationToken cancellationToken);
}
