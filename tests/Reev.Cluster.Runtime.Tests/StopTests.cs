using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>A grain whose turns wait on a gate of the test (by key), and that records the numbers it took, in order.</summary>
public interface IGateGrain : IGrain
{
    Task Hold();

    Task Take(int number);

    /// <summary>Sends <paramref name="count"/> numbers (0, 1, ...) to the gate grain <paramref name="recipient"/> in one turn.</summary>
    Task FanOut(string recipient, int count);

    Task<List<int>> Taken();
}

public sealed class GateState
{
    public List<int> Numbers { get; set; } = [];
}

public sealed class GateGrain : Grain<GateState>, IGateGrain
{
    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Gates = new();

    public static readonly ConcurrentDictionary<string, TaskCompletionSource> Entered = new();

    public static TaskCompletionSource GateOf(string key) => Gates.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public static TaskCompletionSource EnteredOf(string key) => Entered.GetOrAdd(key, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task Hold()
    {
        EnteredOf(GrainKey).TrySetResult();
        await GateOf(GrainKey).Task;
    }

    public async Task Take(int number)
    {
        EnteredOf(GrainKey).TrySetResult();
        await GateOf(GrainKey).Task;
        State.Numbers.Add(number);
        await WriteStateAsync();
    }

    public async Task FanOut(string recipient, int count)
    {
        var target = GrainFactory.GetGrain<IGateGrain>(recipient);
        for (var i = 0; i < count; i++)
        {
            await target.Take(i);
        }
    }

    public Task<List<int>> Taken() => Task.FromResult(State.Numbers);
}

/// <summary>A provider whose store is wrapped by the test.</summary>
internal sealed class WrappedProvider(ClusterProvider inner, Func<IRuntimeStore, IRuntimeStore> wrap) : ClusterProvider
{
    internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
        wrap(inner.CreateStore(partitionCount, timeProvider, loggerFactory));
}

/// <summary>Counts heartbeats; optionally holds the next ReadOwnedAsync or ReleaseAsync until the test opens it.</summary>
internal sealed class GatedStore(IRuntimeStore inner) : DelegatingRuntimeStore(inner)
{
    private int _heartbeats;

    public int Heartbeats => Volatile.Read(ref _heartbeats);

    public volatile bool GateReadOwned;

    public volatile bool GateRelease;

    public readonly TaskCompletionSource ReadOwnedEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public readonly TaskCompletionSource ReadOwnedGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public readonly TaskCompletionSource ReleaseEntered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public readonly TaskCompletionSource ReleaseGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task<IReadOnlyList<string>> HeartbeatAsync(string siloId, Guid incarnation, TimeSpan lease, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _heartbeats);
        return base.HeartbeatAsync(siloId, incarnation, lease, cancellationToken);
    }

    public override async Task<IReadOnlyList<PartitionLease>> ReadOwnedAsync(string siloId, CancellationToken cancellationToken)
    {
        var owned = await base.ReadOwnedAsync(siloId, cancellationToken);
        if (GateReadOwned)
        {
            GateReadOwned = false;
            ReadOwnedEntered.TrySetResult();
            await ReadOwnedGate.Task;
        }

        return owned;
    }

    public override async Task ReleaseAsync(string siloId, IReadOnlyList<PartitionLease> leases, CancellationToken cancellationToken)
    {
        if (GateRelease)
        {
            GateRelease = false;
            ReleaseEntered.TrySetResult();
            await ReleaseGate.Task;
        }

        await base.ReleaseAsync(siloId, leases, cancellationToken);
    }
}

/// <summary>Graceful stops that are cancelled, late or raced by a balance end the silo cleanly.</summary>
public sealed class StopTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static (Silo Silo, GatedStore Store) Create(Action<SiloOptions>? configure = null, ClusterProvider? provider = null)
    {
        GatedStore? store = null;
        var options = TestCluster.FastOptions();
        configure?.Invoke(options);
        var silo = Silo.Create(
            options,
            new WrappedProvider(provider ?? new InMemoryClusterProvider(), s => store = new GatedStore(s)),
            Clusters.Grains().Add<IGateGrain, GateGrain>());
        return (silo, store!);
    }

    [Fact]
    public async Task A_stop_cancelled_during_the_drain_ends_the_silo_and_its_heartbeats()
    {
        var key = $"held-{Guid.NewGuid():N}";
        var (silo, store) = Create();
        await using var _ = silo;
        await silo.StartAsync(default);
        await silo.GrainFactory.GetGrain<IGateGrain>(key).Hold();
        await GateGrain.EnteredOf(key).Task.WaitAsync(Wait);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => silo.StopAsync(cancel.Token));
        GateGrain.GateOf(key).TrySetResult();

        Assert.False(silo.IsRunning);
        var heartbeats = store.Heartbeats;
        await Task.Delay(silo.Options.HeartbeatInterval * 4, TimeProvider.System);
        Assert.Equal(heartbeats, store.Heartbeats);
        Assert.Empty(silo.OwnedPartitions);
    }

    [Fact]
    public async Task A_turn_that_ends_after_the_commit_lanes_stopped_is_answered_at_once()
    {
        var key = $"late-{Guid.NewGuid():N}";
        var (silo, store) = Create(o => o.DrainTimeout = TimeSpan.FromMilliseconds(200));
        await using var _ = silo;
        await silo.StartAsync(default);
        await silo.GrainFactory.GetGrain<IGateGrain>(key).Take(1);
        await GateGrain.EnteredOf(key).Task.WaitAsync(Wait);
        Assert.Equal(1, silo.QueuedMessages);

        // The drain gives up on the held turn; the stop's hand-over is held while the turn ends (the lanes are gone).
        store.GateRelease = true;
        var stop = silo.StopAsync(default);
        await store.ReleaseEntered.Task.WaitAsync(Wait);
        GateGrain.GateOf(key).TrySetResult();

        // Its commit is answered (not committed) instead of waiting for ever: the turn ends and its message is let go.
        var deadline = TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(5);
        while (silo.QueuedMessages != 0 && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
        }

        Assert.Equal(0, silo.QueuedMessages);
        store.ReleaseGate.TrySetResult();
        await stop.WaitAsync(Wait);
    }

    [Fact]
    public async Task A_stop_whose_loop_ignores_cancellation_ends_at_its_token_instead_of_waiting_for_ever()
    {
        var (silo, store) = Create();
        await using var _ = silo;
        await silo.StartAsync(default);

        // The membership loop is stuck in a store call that does not observe cancellation (a server that does not answer).
        store.GateReadOwned = true;
        await store.ReadOwnedEntered.Task.WaitAsync(Wait);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        try
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => silo.StopAsync(cancel.Token).WaitAsync(Wait));
            Assert.False(silo.IsRunning);
            Assert.Empty(silo.OwnedPartitions);
        }
        finally
        {
            store.ReadOwnedGate.TrySetResult();
        }
    }

    [Fact]
    public async Task A_balance_that_raced_the_stop_adds_no_partition_back()
    {
        var (silo, store) = Create();
        await using var _ = silo;
        await silo.StartAsync(default);
        var owned = silo.OwnedPartitions.Count;
        Assert.True(owned > 0);

        // A heartbeat's balance passed its state check and is reading the leases when the stop begins.
        store.GateReadOwned = true;
        await store.ReadOwnedEntered.Task.WaitAsync(Wait);
        var stop = silo.StopAsync(default);
        store.ReadOwnedGate.TrySetResult();
        await stop.WaitAsync(Wait);

        Assert.Empty(silo.OwnedPartitions);
    }
}
