using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>A store that passes every call to another; tests override the calls they fail on purpose.</summary>
internal abstract class DelegatingRuntimeStore(IRuntimeStore inner) : IRuntimeStore
{
    public string ProviderName => inner.ProviderName;

    public int PartitionCount => inner.PartitionCount;

    public TimeSpan EnqueueGatherWindow => inner.EnqueueGatherWindow;

    public virtual Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public virtual Task<IReadOnlyList<string>> HeartbeatAsync(string siloId, Guid incarnation, TimeSpan lease, CancellationToken cancellationToken) =>
        inner.HeartbeatAsync(siloId, incarnation, lease, cancellationToken);

    public virtual Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken) => inner.ReadOwnedAsync(siloId, cancellationToken);

    public virtual Task<IReadOnlyList<PartitionLease>> ClaimAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken) =>
        inner.ClaimAsync(siloId, incarnation, count, cancellationToken);

    public virtual Task<IReadOnlyList<(PartitionLease Lease, bool Expired)>> ClaimTakingOverAsync(string siloId, Guid incarnation, int count, CancellationToken cancellationToken) =>
        inner.ClaimTakingOverAsync(siloId, incarnation, count, cancellationToken);

    public virtual Task ReleaseAsync(string siloId, IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken) => inner.ReleaseAsync(siloId, leases, cancellationToken);

    public virtual Task LeaveAsync(string siloId, Guid incarnation, CancellationToken cancellationToken) => inner.LeaveAsync(siloId, incarnation, cancellationToken);

    public virtual Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken) => inner.EnqueueAsync(messages, cancellationToken);

    public virtual Task<FetchPage> FetchAsync(IReadOnlyCollection<int> partitions, FetchCursor after, int max, CancellationToken cancellationToken) =>
        inner.FetchAsync(partitions, after, max, cancellationToken);

    public virtual Task<bool> SweepAsync(IReadOnlyCollection<int> partitions, int pageSize, Func<IReadOnlyList<StoredMessage>, bool> onPage, CancellationToken cancellationToken) =>
        inner.SweepAsync(partitions, pageSize, onPage, cancellationToken);

    public virtual Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken) => inner.ReadStateAsync(grain, cancellationToken);

    public virtual Task<CommitResult> CommitAsync(string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken) =>
        inner.CommitAsync(siloId, fence, turns, cancellationToken);

    public virtual Task<IReadOnlyList<StoredMessage>> FireDueRemindersAsync(string siloId, IReadOnlyList<PartitionLease> owned, DateTimeOffset now, int max, CancellationToken cancellationToken) =>
        inner.FireDueRemindersAsync(siloId, owned, now, max, cancellationToken);

    public virtual Task<IReadOnlyList<(Guid RequestId, string? Payload, string? Error)>> TakeRepliesAsync(string clientId, IReadOnlyCollection<Guid> requestIds, CancellationToken cancellationToken) =>
        inner.TakeRepliesAsync(clientId, requestIds, cancellationToken);

    public virtual Task<bool?> IsPendingUnderLeaseAsync(string siloId, PartitionLease lease, long messageId, CancellationToken cancellationToken) =>
        inner.IsPendingUnderLeaseAsync(siloId, lease, messageId, cancellationToken);

    public virtual Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int limit, CancellationToken cancellationToken) => inner.ReadDeadLettersAsync(limit, cancellationToken);

    public virtual Task<long> CountPendingAsync(CancellationToken cancellationToken) => inner.CountPendingAsync(cancellationToken);

    public virtual Task<long> EstimatePendingAsync(CancellationToken cancellationToken) => inner.EstimatePendingAsync(cancellationToken);

    public virtual Task<bool> ReclaimQueueSpaceAsync(CancellationToken cancellationToken) => inner.ReclaimQueueSpaceAsync(cancellationToken);

    public virtual Task NotifyAsync(WakeSignal signal, CancellationToken cancellationToken) => inner.NotifyAsync(signal, cancellationToken);

    public virtual Task SubscribeAsync(Action<WakeSignal> handler, CancellationToken cancellationToken) => inner.SubscribeAsync(handler, cancellationToken);

    public virtual ValueTask DisposeAsync() => inner.DisposeAsync();
}
