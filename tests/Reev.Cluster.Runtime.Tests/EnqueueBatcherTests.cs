using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The group enqueue behind sends from outside grains (ADR 0017): INSERTs overlap up to their limit, but never for one
/// grain, whose sends commit in call order; other grains' sends go ahead of a grain's held ones.
/// </summary>
public sealed class EnqueueBatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan GatherWindow = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task A_send_to_another_grain_commits_while_an_insert_is_held()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 2);
        var a = store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await a.Entered.Task.WaitAsync(Wait);
        var other = batcher.EnqueueAsync(Message("b", 1), default);

        await other.WaitAsync(Wait); // committed although the first INSERT has not returned
        Assert.False(first.IsCompleted);
        a.Release();
        await first.WaitAsync(Wait);
        Assert.Equal(["a:1", "b:1"], store.Started);
        Assert.Equal(["b:1", "a:1"], store.Committed);
    }

    [Fact]
    public async Task A_grains_sends_wait_for_its_insert_in_flight_and_keep_call_order_while_other_grains_sends_go_ahead()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 4);
        var a = store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await a.Entered.Task.WaitAsync(Wait);
        var second = batcher.EnqueueAsync(Message("a", 2), default);
        var other = batcher.EnqueueAsync(Message("c", 1), default);
        var third = batcher.EnqueueAsync(Message("a", 3), default);

        // c's send, queued behind a's, commits; a's later sends wait for a's held one.
        await other.WaitAsync(Wait);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.Equal(["a:1", "c:1"], store.Started);
        Assert.False(second.IsCompleted || third.IsCompleted);

        a.Release();
        await Task.WhenAll(first, second, third).WaitAsync(Wait);
        Assert.Equal(["a:1", "a:2", "a:3"], store.Committed.Where(m => m.StartsWith("a:", StringComparison.Ordinal)));
        Assert.True(await first < await second && await second < await third, "a's ids follow its call order");
    }

    [Fact]
    public async Task With_one_transaction_a_send_to_another_grain_waits_for_the_insert_in_flight()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 1);
        var a = store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await a.Entered.Task.WaitAsync(Wait);
        var other = batcher.EnqueueAsync(Message("b", 1), default);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.False(other.IsCompleted);

        a.Release();
        await Task.WhenAll(first, other).WaitAsync(Wait);
        Assert.Equal(["a:1", "b:1"], store.Committed);
    }

    [Fact]
    public async Task Concurrent_sends_to_many_grains_each_commit_once_and_each_grain_in_call_order()
    {
        var store = new HeldStore { Jitter = true };
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 3);
        var sends = new List<Task<long>>();
        for (var n = 1; n <= 200; n++)
        {
            sends.Add(batcher.EnqueueAsync(Message($"g{n % 50}", n), default));
            if (n % 4 == 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System); // sends arrive over time, as a gateway's do, while INSERTs are in flight
            }
        }

        var ids = await Task.WhenAll(sends).WaitAsync(Wait);
        Assert.Equal(200, ids.Distinct().Count());
        Assert.Equal(200, store.Committed.Count);
        Assert.True(store.MaxConcurrent > 1, "INSERTs overlapped");
        foreach (var grain in store.Committed.Select(m => m.Split(':')[0]).Distinct())
        {
            var order = store.Committed.Where(m => m.Split(':')[0] == grain).Select(m => int.Parse(m.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(order.Order(), order);
        }
    }

    [Fact]
    public async Task Once_sends_queue_up_no_further_insert_overlaps_and_they_go_in_one_batch()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 2);
        var a = store.Hold("a");
        var b = store.Hold("b");
        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await a.Entered.Task.WaitAsync(Wait);
        var second = batcher.EnqueueAsync(Message("b", 1), default); // few waiting: a second INSERT starts
        await b.Entered.Task.WaitAsync(Wait);

        var queued = Enumerable.Range(1, EnqueueBatcher.OverlapWhileQueued + 4).Select(n => batcher.EnqueueAsync(Message($"c{n}", 1), default)).ToList();
        b.Release();
        await second.WaitAsync(Wait);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);

        // The flush that was done did not go on with the queue: the one in flight takes it whole when it is done.
        Assert.DoesNotContain(store.Started, m => m.StartsWith('c'));
        a.Release();
        await Task.WhenAll(queued.Append(first)).WaitAsync(Wait);
        Assert.Equal([1, 1, EnqueueBatcher.OverlapWhileQueued + 4], store.Batches);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_local_dispatch_that_throws_neither_fails_the_committed_sends_nor_holds_the_grains_next_ones(int maxTransactions)
    {
        var store = new HeldStore();
        var dispatched = 0;
        var batcher = new EnqueueBatcher(store, _ =>
        {
            if (Interlocked.Increment(ref dispatched) == 1)
            {
                throw new InvalidOperationException("the silo's directory is gone");
            }
        }, maxTransactions);

        // The rows of the first send are committed although dispatching them failed: its sender gets its id, and the
        // grain is no longer counted as in flight, so its next sends (and other grains') are not held behind it.
        var first = await batcher.EnqueueAsync(Message("a", 1), default).WaitAsync(Wait);
        var next = await Task.WhenAll(batcher.EnqueueAsync(Message("a", 2), default), batcher.EnqueueAsync(Message("b", 1), default)).WaitAsync(Wait);

        Assert.True(first > 0 && next.All(id => id > first), "every send got the id of its committed row");
        Assert.Equal(["a:1", "a:2", "b:1"], store.Committed.Order(StringComparer.Ordinal));
        Assert.True(dispatched >= 2, "the later sends were dispatched");
    }

    [Fact]
    public async Task While_sends_keep_coming_a_batch_waits_the_gather_window_and_takes_the_sends_that_arrive_meanwhile()
    {
        var (store, clock, batcher) = Gathering(maxTransactions: 2);

        // After a quiet spell (nothing sent yet) a send goes at once: the frozen clock does not hold it.
        await batcher.EnqueueAsync(Message("a", 1), default).WaitAsync(Wait);

        // Right after an INSERT, sends wait for company: neither starts an INSERT until the window has passed.
        var second = batcher.EnqueueAsync(Message("b", 1), default);
        var third = batcher.EnqueueAsync(Message("c", 1), default);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.False(second.IsCompleted || third.IsCompleted);
        Assert.Equal([1], store.Batches);

        clock.Advance(GatherWindow);
        await Task.WhenAll(second, third).WaitAsync(Wait);
        Assert.Equal([1, 2], store.Batches);

        // After a quiet spell, a send goes at once again.
        clock.Advance(EnqueueBatcher.BusyWithin);
        await batcher.EnqueueAsync(Message("d", 1), default).WaitAsync(Wait);
        Assert.Equal([1, 2, 1], store.Batches);
    }

    [Fact]
    public async Task Sends_that_queued_behind_an_insert_for_the_window_go_when_it_ends_without_waiting_again()
    {
        var (store, clock, batcher) = Gathering(maxTransactions: 1);
        var a = store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await a.Entered.Task.WaitAsync(Wait);
        var queued = batcher.EnqueueAsync(Message("b", 1), default);
        clock.Advance(GatherWindow); // b has waited the window behind the INSERT in flight

        a.Release();
        await Task.WhenAll(first, queued).WaitAsync(Wait); // no further wait: the clock does not move again
        Assert.Equal([1, 1], store.Batches);
    }

    [Fact]
    public async Task A_zero_window_never_waits_even_while_sends_keep_coming()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 1, TimeSpan.Zero, new FakeTimeProvider());
        for (var n = 1; n <= 3; n++)
        {
            await batcher.EnqueueAsync(Message("a", n), default).WaitAsync(Wait);
        }

        Assert.Equal([1, 1, 1], store.Batches);
    }

    /// <summary>A batcher with PostgreSQL's gather window on a frozen clock.</summary>
    private static (HeldStore Store, FakeTimeProvider Clock, EnqueueBatcher Batcher) Gathering(int maxTransactions)
    {
        var store = new HeldStore();
        var clock = new FakeTimeProvider();
        return (store, clock, new EnqueueBatcher(store, _ => { }, maxTransactions, GatherWindow, clock));
    }

    private static OutboundMessage Message(string grain, int number) =>
        new(0, "test", grain, "Add", MessageKind.Call, System.Text.Encoding.UTF8.GetBytes($"[{number}]"), null, null);

    /// <summary>An in-memory store whose INSERTs record their order and size, and some of which the test can hold.</summary>
    private sealed class HeldStore() : DelegatingRuntimeStore(new InMemoryRuntimeStore(new InMemoryDatabase(), 4, TimeProvider.System))
    {
        private readonly object _lock = new();
        private readonly Dictionary<string, Gate> _holds = new(StringComparer.Ordinal);
        private int _running;

        public List<string> Started { get; } = [];

        public List<string> Committed { get; } = [];

        public List<int> Batches { get; } = [];

        public int MaxConcurrent { get; private set; }

        public bool Jitter { get; init; }

        /// <summary>Holds the next INSERT that carries a send to <paramref name="grain"/> until the gate is released.</summary>
        public Gate Hold(string grain)
        {
            var gate = new Gate();
            lock (_lock)
            {
                _holds[grain] = gate;
            }

            return gate;
        }

        public override async Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
        {
            var names = messages.Select(m => $"{m.GrainKey}:{System.Text.Encoding.UTF8.GetString(m.Payload!).Trim('[', ']')}").ToList();
            Gate? held = null;
            lock (_lock)
            {
                Started.AddRange(names);
                Batches.Add(messages.Count);
                MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
                foreach (var message in messages)
                {
                    if (_holds.Remove(message.GrainKey, out var gate))
                    {
                        held = gate;
                        break;
                    }
                }
            }

            if (held is not null)
            {
                held.Entered.TrySetResult();
                await held.Released.Task;
            }

            if (Jitter)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2, 6)), TimeProvider.System, cancellationToken);
            }

            var ids = await base.EnqueueAsync(messages, cancellationToken);
            lock (_lock)
            {
                Committed.AddRange(names);
                _running--;
            }

            return ids;
        }
    }

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
