using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Leases are (partition, epoch) (DESIGN R3): a fenced commit drops only the lease it was fenced at. A partition lost and
/// taken back at a newer epoch keeps dispatching, the newer epoch's turns of the same batch commit, and a stale read of the
/// store cannot add back a lease already seen lost.
/// </summary>
public sealed class LeaseEpochTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly string CounterType = GrainInterfaceMetadata.For(typeof(ICounterGrain)).GrainType;
    private readonly ILoggerFactory _logs = XunitLoggerProvider.CreateFactory(output);
    private readonly List<Silo> _silos = [];
    private readonly List<TaskCompletionSource> _gates = [];
    private readonly List<IAsyncDisposable> _disposables = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var gate in _gates)
        {
            gate.TrySetResult();
        }

        // Killed rather than stopped: a stop drains on the silo's clock, which a fake clock never moves.
        foreach (var silo in _silos)
        {
            await silo.KillAsync();
            await silo.DisposeAsync();
        }

        foreach (var disposable in _disposables)
        {
            await disposable.DisposeAsync();
        }

        _logs.Dispose();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // A fenced result is applied by (partition, epoch)
    // ---------------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_turn_fenced_at_an_old_epoch_leaves_the_partition_held_at_its_new_epoch_and_that_epochs_turns_commit()
    {
        var clock = new FakeTimeProvider();
        var shared = new InMemoryClusterProvider();
        var hooked = new HookedProvider(shared);
        var silo = NewSilo(hooked, $"epochs-{Guid.NewGuid():N}"[..15], clock, o => o.CommitLanes = 1);
        await silo.StartAsync(default);
        var partitions = silo.Options.PartitionCount;
        var old = Key("old", partition: 3, partitions);
        var young = Key("young", partition: 3, partitions);
        var plug = Key("plug", partition: 5, partitions);

        // The only commit lane blocks on a turn of another partition, so that the next turns share one batch.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var unplug = Gate();
        var plugged = 0;
        silo.TestHooks.BeforeCommitAsync = async _ =>
        {
            if (Interlocked.Exchange(ref plugged, 1) == 0)
            {
                entered.TrySetResult();
                await unplug.Task;
            }
        };
        await silo.GrainFactory.GetGrain<ICounterGrain>(plug).Increment(1);
        await entered.Task.WaitAsync(Patience);

        // A turn of partition 3 at the silo's first epoch waits for the lane.
        await silo.GrainFactory.GetGrain<ICounterGrain>(old).Increment(1);
        await Eventually.HoldsAsync(() => silo.CommitsWaiting == 1, Patience, "the old epoch's turn waits for the lane");

        // Partition 3 is lost (another silo claimed it, then went away) and taken back at a newer epoch at the next heartbeat.
        long epoch;
        lock (shared.Database.Lock)
        {
            epoch = shared.Database.Partitions[3].Epoch;
            shared.Database.Partitions[3] = ("gone", epoch + 1);
        }

        var balances = hooked.Store!.Balances;
        await Eventually.HoldsAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return hooked.Store.Balances > balances + 1;
            },
            Patience,
            "the silo takes partition 3 back");
        lock (shared.Database.Lock)
        {
            Assert.Equal((silo.SiloId, epoch + 2), shared.Database.Partitions[3]);
        }

        // The sweep of the partition taken back delivers the old turn's message again, at the new epoch (the old activation
        // was dropped when the partition was lost); a turn of another grain of partition 3 follows. All three share a batch.
        await Eventually.HoldsAsync(() => silo.CommitsWaiting == 2, Patience, "the old turn's message runs again at the new epoch");
        await silo.GrainFactory.GetGrain<ICounterGrain>(young).Increment(1);
        await Eventually.HoldsAsync(() => silo.CommitsWaiting == 3, Patience, "the new epoch's turns wait for the lane");
        var outcomes = new ConcurrentQueue<(CommitOutcome Outcome, int Turns)>();
        silo.TestHooks.CommitCompleted = (outcome, turns) => outcomes.Enqueue((outcome, turns));
        unplug.SetResult();

        // The old epoch's turn is fenced; the new epoch's turns commit, and the partition stays held.
        await Eventually.HoldsAsync(() => outcomes.Count >= 3, TimeSpan.FromSeconds(10), "the batch's turns end");
        Assert.Equal([(CommitOutcome.Committed, 1), (CommitOutcome.Fenced, 3), (CommitOutcome.Committed, 2)], outcomes.Take(3));
        Assert.True(silo.Owns<ICounterGrain>(young));
        var viaOld = silo.GrainFactory.GetGrain<ICounterGrain>(old);
        var viaYoung = silo.GrainFactory.GetGrain<ICounterGrain>(young);
        Assert.Equal((1, 0), ((await viaOld.Read()).Count, (await viaOld.Read()).Repeats));
        Assert.Equal((1, 1), ((await viaYoung.Read()).Count, (await viaYoung.Read()).Activations));
    }

    [Fact]
    public async Task A_lease_seen_lost_by_a_commit_is_not_added_back_by_a_balance_that_read_it_before()
    {
        var clock = new FakeTimeProvider();
        var shared = new InMemoryClusterProvider();
        var hooked = new HookedProvider(shared);
        var silo = NewSilo(hooked, $"stale-{Guid.NewGuid():N}"[..14], clock);
        await silo.StartAsync(default);
        var key = Key("stale", partition: 7, silo.Options.PartitionCount);
        var grain = silo.GrainFactory.GetGrain<ICounterGrain>(key);

        // A balance reads the silo's leases (partition 7 among them) and pauses before it acts on them.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = Gate();
        hooked.Store!.AfterReadOwned = async () =>
        {
            hooked.Store.AfterReadOwned = null;
            entered.TrySetResult();
            await resume.Task;
        };
        await Eventually.HoldsAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return entered.Task.IsCompleted;
            },
            Patience,
            "a balance read the leases");

        // Meanwhile another silo claims partition 7 (and goes away), and a commit of the silo is fenced on it.
        long epoch;
        lock (shared.Database.Lock)
        {
            epoch = shared.Database.Partitions[7].Epoch;
            shared.Database.Partitions[7] = ("gone", epoch + 1);
        }

        var outcomes = new ConcurrentQueue<CommitOutcome>();
        silo.TestHooks.CommitCompleted = (outcome, _) => outcomes.Enqueue(outcome);
        await grain.Increment(1);
        await Eventually.HoldsAsync(() => outcomes.Contains(CommitOutcome.Fenced) && !silo.Owns<ICounterGrain>(key), Patience, "the commit is fenced");

        // The balance resumes with what it read: the lease it read for partition 7 is one already seen lost, so it is not
        // dispatched again. The silo holds partition 7 again only once it claimed it at a new epoch (its claimer is gone).
        var balances = hooked.Store.Balances;
        resume.SetResult();
        await Eventually.HoldsAsync(() => hooked.Store.Balances > balances, Patience, "the balance ends");
        lock (shared.Database.Lock)
        {
            Assert.True(
                !silo.Owns<ICounterGrain>(key) || shared.Database.Partitions[7] == (silo.SiloId, epoch + 2),
                $"the silo dispatches partition 7 while the store gives it to {shared.Database.Partitions[7]}");
        }

        // The message runs once, at the new epoch.
        await Eventually.HoldsAsync(
            async () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return silo.Owns<ICounterGrain>(key) && (await grain.Read()).Count == 1;
            },
            Patience,
            "the silo claims partition 7 again and runs the message");
        Assert.Equal(0, (await grain.Read()).Repeats);
        lock (shared.Database.Lock)
        {
            Assert.Equal((silo.SiloId, epoch + 2), shared.Database.Partitions[7]);
        }
    }

    private Silo NewSilo(ClusterProvider provider, string siloId, TimeProvider clock, Action<SiloOptions>? configure = null)
    {
        var options = TestCluster.FastOptions();
        options.SiloId = siloId;
        configure?.Invoke(options);
        var silo = Silo.Create(options, provider, Clusters.Grains(), Clusters.ServicesFor(siloId), _logs, clock);
        _silos.Add(silo);
        return silo;
    }

    private TaskCompletionSource Gate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _gates.Add(gate);
        return gate;
    }

    /// <summary>A fresh counter key whose grain lives on <paramref name="partition"/>.</summary>
    private static string Key(string prefix, int partition, int partitions)
    {
        for (var i = 0; ; i++)
        {
            var key = $"{prefix}-{Guid.NewGuid():N}";
            if (PartitionHash.Compute(new GrainId(CounterType, key), partitions) == partition)
            {
                return key;
            }
        }
    }

    /// <summary>A provider whose store lets a test pause a balance around its read of the leases and count the balances.</summary>
    private sealed class HookedProvider(ClusterProvider inner) : ClusterProvider
    {
        public HookedStore? Store { get; private set; }

        internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
            Store = new HookedStore(inner.CreateStore(partitionCount, timeProvider, loggerFactory));
    }

    private sealed class HookedStore(IRuntimeStore inner) : DelegatingRuntimeStore(inner)
    {
        private int _balances;

        public Func<Task>? BeforeReadOwned { get; set; }

        public Func<Task>? AfterReadOwned { get; set; }

        /// <summary>Balances of the membership loop that ended (it samples the inbox depth after each).</summary>
        public int Balances => Volatile.Read(ref _balances);

        public override async Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken)
        {
            if (BeforeReadOwned is { } before)
            {
                await before();
            }

            var owned = await base.ReadOwnedAsync(siloId, cancellationToken);
            if (AfterReadOwned is { } after)
            {
                await after();
            }

            return owned;
        }

        public override Task<long> EstimatePendingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _balances);
            return base.EstimatePendingAsync(cancellationToken);
        }
    }
}
