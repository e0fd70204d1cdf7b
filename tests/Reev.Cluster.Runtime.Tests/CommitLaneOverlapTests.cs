using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Commit lanes overlap only once turns queue up (ADR 0019): below half a batch, turns that end while a commit is in
/// flight wait for it and go in the next one; from half a batch on, a second lane commits them at once.
/// </summary>
public sealed class CommitLaneOverlapTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_second_commit_starts_only_once_half_a_batch_of_turns_waits()
    {
        HeldCommits? store = null;
        var options = TestCluster.FastOptions();
        options.CommitLanes = 2;
        options.CommitBatchSize = 8; // a second lane starts once 4 turns wait
        var silo = Silo.Create(options, new WrappedProvider(new InMemoryClusterProvider(), s => store = new HeldCommits(s)), Clusters.Grains());
        await using var _ = silo;
        await silo.StartAsync(default);
        var counters = silo.GrainFactory;

        store!.HoldNext = true;
        var first = counters.GetGrain<ICounterGrain>($"held-{Guid.NewGuid():N}").Add(1);
        await store.Held.Task.WaitAsync(Wait);

        // Three turns end while the first commit is held: below the bound, they wait for it.
        var few = Enumerable.Range(0, 3).Select(i => counters.GetGrain<ICounterGrain>($"few-{i}-{Guid.NewGuid():N}").Add(1)).ToList();
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System); // in memory, they ran long before
        Assert.Equal(1, store.Started);

        // A fourth reaches the bound: a second lane commits the four while the first is still held.
        var fourth = counters.GetGrain<ICounterGrain>($"fourth-{Guid.NewGuid():N}").Add(1);
        await Task.WhenAll(few.Append(fourth)).WaitAsync(Wait);
        Assert.False(first.IsCompleted);
        Assert.Equal(2, store.Started);

        store.Release.TrySetResult();
        await first.WaitAsync(Wait);
    }

    /// <summary>Holds the first commit after <see cref="HoldNext"/> is set, and counts the commits started.</summary>
    private sealed class HeldCommits(IRuntimeStore inner) : DelegatingRuntimeStore(inner)
    {
        private int _started;

        public volatile bool HoldNext;

        public int Started => Volatile.Read(ref _started);

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<CommitResult> CommitAsync(string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken)
        {
            if (HoldNext)
            {
                HoldNext = false;
                Interlocked.Increment(ref _started);
                Held.TrySetResult();
                await Release.Task.WaitAsync(cancellationToken);
            }
            else if (Held.Task.IsCompleted)
            {
                Interlocked.Increment(ref _started);
            }

            return await base.CommitAsync(siloId, fence, turns, cancellationToken);
        }
    }
}
