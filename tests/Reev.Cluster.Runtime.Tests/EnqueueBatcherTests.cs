using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The group enqueue behind sends from outside grains (ADR 0017): INSERTs overlap up to their limit, but never for one
/// grain, whose sends commit in call order.
/// </summary>
public sealed class EnqueueBatcherTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_send_to_another_grain_commits_while_an_insert_is_held()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 2);
        store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await store.Held.Task.WaitAsync(Wait);
        var other = batcher.EnqueueAsync(Message("b", 1), default);

        await other.WaitAsync(Wait); // committed although the first INSERT has not returned
        Assert.False(first.IsCompleted);
        store.Release();
        await first.WaitAsync(Wait);
        Assert.Equal(["a:1", "b:1"], store.Started);
        Assert.Equal(["b:1", "a:1"], store.Committed);
    }

    [Fact]
    public async Task A_grains_sends_wait_for_its_insert_in_flight_and_keep_call_order_and_so_do_sends_queued_behind_them()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 4);
        store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await store.Held.Task.WaitAsync(Wait);
        var second = batcher.EnqueueAsync(Message("a", 2), default);
        var behind = batcher.EnqueueAsync(Message("c", 1), default);
        var third = batcher.EnqueueAsync(Message("a", 3), default);

        // Nothing overtakes a's held send: a's next sends, and the queue behind them, wait for its commit.
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.Equal(["a:1"], store.Started);
        Assert.False(second.IsCompleted || behind.IsCompleted || third.IsCompleted);

        store.Release();
        await Task.WhenAll(first, second, behind, third).WaitAsync(Wait);
        Assert.Equal(["a:1", "a:2", "a:3"], store.Committed.Where(m => m.StartsWith("a:", StringComparison.Ordinal)));
        Assert.True(await first < await second && await second < await third, "a's ids follow its call order");
        Assert.Contains("c:1", store.Committed);
    }

    [Fact]
    public async Task With_one_transaction_a_send_to_another_grain_waits_for_the_insert_in_flight()
    {
        var store = new HeldStore();
        var batcher = new EnqueueBatcher(store, _ => { }, maxTransactions: 1);
        store.Hold("a");

        var first = batcher.EnqueueAsync(Message("a", 1), default);
        await store.Held.Task.WaitAsync(Wait);
        var other = batcher.EnqueueAsync(Message("b", 1), default);
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
        Assert.False(other.IsCompleted);

        store.Release();
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
            if (n % 10 == 0)
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

    private static OutboundMessage Message(string grain, int number) =>
        new(0, "test", grain, "Add", MessageKind.Call, System.Text.Encoding.UTF8.GetBytes($"[{number}]"), null, null);

    /// <summary>An in-memory store whose INSERTs record their order, and one of which the test can hold.</summary>
    private sealed class HeldStore() : DelegatingRuntimeStore(new InMemoryRuntimeStore(new InMemoryDatabase(), 4, TimeProvider.System))
    {
        private readonly object _lock = new();
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private string? _held;
        private int _running;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Started { get; } = [];

        public List<string> Committed { get; } = [];

        public int MaxConcurrent { get; private set; }

        public bool Jitter { get; init; }

        public void Hold(string grain) => _held = grain;

        public void Release() => _gate.TrySetResult();

        public override async Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken)
        {
            var names = messages.Select(m => $"{m.GrainKey}:{System.Text.Encoding.UTF8.GetString(m.Payload!).Trim('[', ']')}").ToList();
            lock (_lock)
            {
                Started.AddRange(names);
                MaxConcurrent = Math.Max(MaxConcurrent, ++_running);
            }

            if (_held is { } held && messages.Any(m => m.GrainKey == held))
            {
                _held = null;
                Held.TrySetResult();
                await _gate.Task;
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
}
