using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Leases are (partition, epoch), and a lease belongs to one process (DESIGN R3):
/// <list type="bullet">
/// <item>a process restarted under the id of a paused one does not inherit the paused one's epochs: the paused process is
/// fenced out, cannot claim or adopt leases under the id any more, and stops once its heartbeat is refused;</item>
/// <item>a fenced commit drops only the lease it was fenced at: a partition lost and taken back at a newer epoch keeps
/// dispatching, the newer epoch's turns of the same batch commit, and a stale read of the store cannot add back a lease
/// already seen lost.</item>
/// </list>
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
    // A same-id restart
    // ---------------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task A_paused_process_whose_silo_id_was_restarted_elsewhere_is_fenced_and_stops(Provider provider)
    {
        var id = $"same-{Guid.NewGuid():N}"[..13];
        var fake = provider == Provider.InMemory ? new FakeTimeProvider() : null;
        TimeProvider clock = fake ?? TimeProvider.System;
        TestDatabase? database = null;
        Func<ClusterProvider> providers;
        if (provider == Provider.Postgres)
        {
            database = await TestPostgres.CreateDatabaseAsync("same id restart");
            _disposables.Add(database);
            providers = () => new PostgresClusterProvider(database.ConnectionString, maxPoolSize: 10);
        }
        else
        {
            var shared = new InMemoryClusterProvider();
            providers = () => shared;
        }

        var first = NewSilo(providers(), id, clock, o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        await first.StartAsync(default);
        var key = $"restart-{Guid.NewGuid():N}";
        var viaFirst = first.GrainFactory.GetGrain<ICounterGrain>(key);
        await viaFirst.Increment(1);
        Assert.Equal(1, (await viaFirst.Read()).Count);

        // The first process pauses with a turn in flight: its heartbeats stop, its commit waits at the gate.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = Gate();
        first.TestHooks.SuspendHeartbeats = true;
        first.TestHooks.BeforeCommitAsync = async _ =>
        {
            entered.TrySetResult();
            await resume.Task;
        };
        await viaFirst.Increment(2);
        await entered.Task.WaitAsync(Patience);

        // Its lease runs out; a second process starts under the same id (what the host's identity guard waits for).
        if (fake is not null)
        {
            fake.Advance(TimeSpan.FromSeconds(3));
        }
        else
        {
            await Eventually.HoldsAsync(
                async () => await database!.ScalarAsync<bool>($"SELECT lease_expires_at < now() FROM reev_silos WHERE silo_id = '{id}'"),
                Patience,
                "the paused process's lease ran out");
        }

        var second = NewSilo(providers(), id, clock, o => o.LeaseDuration = TimeSpan.FromSeconds(2));
        var secondCommits = Gate(); // the second process commits nothing until the first one's outcome is known
        second.TestHooks.BeforeCommitAsync = _ => secondCommits.Task;
        await second.StartAsync(default);
        Assert.Equal(second.Options.PartitionCount, second.OwnedPartitions.Count);

        // The first process wakes up and commits the turn it ran before its pause: the epochs it holds are not the second's.
        var outcomes = new ConcurrentQueue<CommitOutcome>();
        first.TestHooks.CommitCompleted = (outcome, _) => outcomes.Enqueue(outcome);
        resume.SetResult();
        await Eventually.HoldsAsync(() => !outcomes.IsEmpty, Patience, "the paused process's late commit ends");
        Assert.Equal(CommitOutcome.Fenced, outcomes.First());

        // Its next heartbeat is refused (another incarnation holds the id): it is no longer a member and stops.
        first.TestHooks.SuspendHeartbeats = false;
        await Eventually.HoldsAsync(
            () =>
            {
                fake?.Advance(TimeSpan.FromMilliseconds(100));
                return !first.IsRunning && first.OwnedPartitions.Count == 0;
            },
            Patience,
            "the superseded process stops and owns nothing");
        Assert.DoesNotContain(CommitOutcome.Committed, outcomes);

        // The second process applies increment 2, once.
        secondCommits.SetResult();
        var viaSecond = second.GrainFactory.GetGrain<ICounterGrain>(key);
        CounterState? state = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                fake?.Advance(TimeSpan.FromMilliseconds(100));
                state = await viaSecond.Read().WaitAsync(TimeSpan.FromSeconds(5));
                return state.Count == 2;
            },
            Patience,
            "the second process applies increment 2");
        Assert.Equal(0, state!.Repeats);
        Assert.Equal(0, state.Gaps);
        Assert.Equal(second.Options.PartitionCount, second.OwnedPartitions.Count);
    }

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task A_heartbeat_that_takes_a_silo_id_over_releases_the_partitions_of_the_previous_incarnation(Provider provider)
    {
        const int Partitions = 4;
        var clock = new FakeTimeProvider();
        var store = await StoreAsync(provider, Partitions, clock, "takeover releases");
        Guid old = Guid.NewGuid(), fresh = Guid.NewGuid();
        var lease = TimeSpan.FromSeconds(1);
        await store.HeartbeatAsync("s", old, lease, default);
        var leases = (await store.ClaimAsync("s", old, Partitions, default)).ToList();
        Assert.Equal(Partitions, leases.Count);
        var grain = new GrainId("t", "g");
        var partition = PartitionHash.Compute(grain, Partitions);
        var ids = await store.EnqueueAsync([new OutboundMessage(partition, grain.Type, grain.Key, "m", MessageKind.Call, "[]"u8.ToArray(), null, null)], default);

        // The old incarnation's lease runs out (PostgreSQL's clock is the server's) and a new process heartbeats under the id.
        await OutliveAsync(provider, clock, lease);

        await store.HeartbeatAsync("s", fresh, TimeSpan.FromHours(1), default);

        // The old incarnation's leases are gone: none is the new process's, and the old one's commit is fenced.
        Assert.Empty(await store.ReadOwnedAsync("s", default));
        var held = leases.Single(l => l.Partition == partition);
        var turn = new TurnCommit { Grain = grain, Partition = partition, Epoch = held.Epoch, MessageId = ids[0] };
        var result = await store.CommitAsync("s", [held], [turn], default);
        Assert.Equal(CommitStatus.Fenced, result.Status);
        Assert.Equal([held], result.LostLeases);

        // The old incarnation can claim nothing under the id any more; the new one claims every partition at a new epoch.
        Assert.Empty(await store.ClaimAsync("s", old, Partitions, default));
        var claimed = await store.ClaimAsync("s", fresh, Partitions, default);
        Assert.Equal(Partitions, claimed.Count);
        Assert.All(claimed, l => Assert.True(l.Epoch > leases.Single(o => o.Partition == l.Partition).Epoch, $"partition {l.Partition} at epoch {l.Epoch}"));
        Assert.Equal(CommitStatus.Committed, (await store.CommitAsync("s", [claimed.Single(l => l.Partition == partition)],
            [new TurnCommit { Grain = grain, Partition = partition, Epoch = claimed.Single(l => l.Partition == partition).Epoch, MessageId = ids[0] }], default)).Status);
    }

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task A_stale_incarnation_that_hands_over_and_leaves_touches_neither_the_leases_nor_the_membership_of_its_ids_new_process(Provider provider)
    {
        const int Partitions = 4;
        var clock = new FakeTimeProvider();
        var store = await StoreAsync(provider, Partitions, clock, "stale leave");
        Guid old = Guid.NewGuid(), fresh = Guid.NewGuid();
        var lease = TimeSpan.FromSeconds(1);
        await store.HeartbeatAsync("s", old, lease, default);
        var stale = await store.ClaimAsync("s", old, Partitions, default);
        await OutliveAsync(provider, clock, lease);

        await store.HeartbeatAsync("s", fresh, TimeSpan.FromHours(1), default);
        var claimed = await store.ClaimAsync("s", fresh, Partitions, default);
        Assert.Equal(Partitions, claimed.Count);

        // The paused process resumes and stops gracefully: it releases what it held and leaves, under the same id.
        await store.ReleaseAsync("s", stale, default);
        await store.LeaveAsync("s", old, default);

        Assert.Equal(claimed.OrderBy(l => l.Partition), (await store.ReadOwnedAsync("s", default)).OrderBy(l => l.Partition));
        Assert.Contains("s", await store.HeartbeatAsync("other", Guid.NewGuid(), TimeSpan.FromHours(1), default));

        // The id's own process leaves.
        await store.LeaveAsync("s", fresh, default);
        Assert.DoesNotContain("s", await store.HeartbeatAsync("other2", Guid.NewGuid(), TimeSpan.FromHours(1), default));
    }

    [Fact]
    public async Task A_process_paused_between_its_heartbeat_and_its_read_of_leases_does_not_adopt_the_leases_of_its_ids_new_process()
    {
        var id = $"adopt-{Guid.NewGuid():N}"[..14];
        var clock = new FakeTimeProvider();
        var shared = new InMemoryClusterProvider();
        var hooked = new HookedProvider(shared);
        var first = NewSilo(hooked, id, clock);
        await first.StartAsync(default);
        Assert.Equal(first.Options.PartitionCount, first.OwnedPartitions.Count);

        // The first process heartbeats, then pauses before it reads which leases its id holds.
        var resume = await PauseOnceAsync(clock, hook => hooked.Store!.BeforeReadOwned = hook, "the first process heartbeats and pauses");

        // Its lease runs out; a second process starts under the id and holds every partition.
        clock.Advance(first.Options.LeaseDuration + TimeSpan.FromSeconds(1));
        var second = NewSilo(shared, id, clock);
        await second.StartAsync(default);
        Assert.Equal(second.Options.PartitionCount, second.OwnedPartitions.Count);

        // The first process resumes and reads the second one's leases under its id: they are not its own.
        var balances = hooked.Store!.Balances;
        resume.SetResult();
        await Eventually.HoldsAsync(() => hooked.Store.Balances > balances, Patience, "the first process's balance ends");
        Assert.Empty(first.OwnedPartitions);
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
        var resume = await PauseOnceAsync(clock, hook => hooked.Store!.AfterReadOwned = hook, "a balance read the leases");

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
        var balances = hooked.Store!.Balances;
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

    /// <summary>A bare store of the provider, initialized, disposed with the test; the in-memory one runs on <paramref name="clock"/>.</summary>
    private async Task<IRuntimeStore> StoreAsync(Provider provider, int partitions, FakeTimeProvider clock, string purpose)
    {
        IRuntimeStore store;
        if (provider == Provider.Postgres)
        {
            var database = await TestPostgres.CreateDatabaseAsync(purpose);
            _disposables.Add(database);
            store = new PostgresRuntimeStore(database.ConnectionString, partitions, [], new Dictionary<Type, IPostgresReadModelWriter>(), NullLoggerFactory.Instance);
        }
        else
        {
            store = new InMemoryRuntimeStore(new InMemoryDatabase(), partitions, clock);
        }

        _disposables.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    /// <summary>Lets a lease of <paramref name="lease"/> run out: PostgreSQL's clock is the server's, the in-memory store's the fake one.</summary>
    private static Task OutliveAsync(Provider provider, FakeTimeProvider clock, TimeSpan lease)
    {
        if (provider == Provider.Postgres)
        {
            return Task.Delay(lease + TimeSpan.FromMilliseconds(200), TimeProvider.System);
        }

        clock.Advance(lease + TimeSpan.FromMilliseconds(200));
        return Task.CompletedTask;
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

    /// <summary>
    /// Installs a one-shot hook (through <paramref name="install"/>) that holds the silo's loop there, and advances the
    /// clock until the loop reaches it. The returned gate lets it go on.
    /// </summary>
    private async Task<TaskCompletionSource> PauseOnceAsync(FakeTimeProvider clock, Action<Func<Task>?> install, string because)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resume = Gate();
        install(async () =>
        {
            install(null);
            entered.TrySetResult();
            await resume.Task;
        });
        await Eventually.HoldsAsync(
            () =>
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
                return entered.Task.IsCompleted;
            },
            Patience,
            because);
        return resume;
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
