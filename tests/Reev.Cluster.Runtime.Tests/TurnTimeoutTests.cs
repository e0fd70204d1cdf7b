using System.Collections.Concurrent;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// ADR 0014: a turn whose grain code never returns is abandoned at <see cref="SiloOptions.TurnTimeout"/> as a failed
/// attempt (its token cancelled, its instance discarded), retried, and dead-lettered after MaxAttempts, instead of
/// blocking its grain for ever. What the abandoned code does afterwards leaves no trace.
/// </summary>
public abstract class TurnTimeoutTests(Provider provider, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private Task<ClusterHandle> StartAsync(Action<SiloOptions>? configure = null, [System.Runtime.CompilerServices.CallerMemberName] string purpose = "") =>
        Clusters.StartAsync(provider, output, 1, o =>
        {
            o.TurnTimeout = Timeout;
            configure?.Invoke(o);
        }, purpose: purpose);

    [Fact]
    public async Task A_turn_that_hangs_is_retried_after_the_timeout_then_commits_and_the_grains_later_messages_follow_in_order()
    {
        await using var handle = await StartAsync();
        var key = $"hang-{Guid.NewGuid():N}";
        var probe = HangGrain.Probes.GetOrAdd(key, _ => new HangProbe());
        var grain = handle.Client.GetGrain<IHangGrain>(key);

        try
        {
            await grain.Work(1, hangs: 2); // attempts 1 and 2 hang; the third (MaxAttempts = 3) commits
            await grain.Append(2);
            await grain.Append(3);

            // No ask before the messages are through: it would wait behind the hung turn.
            var silo = handle.Cluster.Silos[0];
            await Eventually.HoldsAsync(
                async () => probe.Attempts == 3 && silo.QueuedMessages == 0 && await silo.CountPendingMessagesAsync(default) == 0,
                Patience,
                $"{key}: the hung message is retried past its timeout and the two after it run");
            Assert.Equal([1, 2, 3], (await grain.Read()).Values);
            Assert.Equal(3, probe.Attempts);
            Assert.Equal(2, probe.HungTokens.Count);
            Assert.All(probe.HungTokens, t => Assert.True(t.IsCancellationRequested, "a hung attempt's token is cancelled when it is abandoned"));
            Assert.DoesNotContain(await silo.GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }

    [Fact]
    public async Task A_turn_that_always_hangs_is_dead_lettered_after_exactly_MaxAttempts_and_its_ask_gets_the_timeout()
    {
        using var meter = new MeterCollector("Reev.Cluster", "reev.cluster.runtime.turns.timed_out", "reev.cluster.runtime.messages.failed");
        await using var handle = await StartAsync();
        var silo = handle.Cluster.Silos[0];
        var maxAttempts = silo.Options.MaxAttempts;
        var key = $"hang-{Guid.NewGuid():N}";
        var probe = HangGrain.Probes.GetOrAdd(key, _ => new HangProbe());
        var grain = handle.Client.GetGrain<IHangGrain>(key);

        try
        {
            var failure = await Assert.ThrowsAsync<GrainInvocationException>(() => grain.WorkAndAnswer(1, hangs: int.MaxValue));

            var expected = $"TurnTimeoutException: turn of HangGrain/{key}.WorkAndAnswer did not finish within {Timeout:c}";
            Assert.Contains(expected, failure.Error, StringComparison.Ordinal);
            Assert.Equal(maxAttempts, probe.Attempts);
            Assert.All(probe.HungTokens, t => Assert.True(t.IsCancellationRequested, "every abandoned attempt's token is cancelled"));
            var dead = Assert.Single(await silo.GetDeadLettersAsync(100, default), d => d.GrainKey == key);
            Assert.Equal("WorkAndAnswer", dead.Method);
            Assert.Equal(maxAttempts, dead.Attempts);
            Assert.Contains(expected, dead.Error, StringComparison.Ordinal);
            Assert.True(meter.Sum("reev.cluster.runtime.turns.timed_out") >= maxAttempts, "each abandoned attempt is counted as timed out");
            Assert.True(meter.Sum("reev.cluster.runtime.messages.failed") >= maxAttempts, "each abandoned attempt is counted as failed");

            // The grain is not blocked: its next message runs, on a fresh instance.
            await grain.Append(7);
            Assert.Equal([7], (await grain.Read()).Values);
            Assert.Equal(maxAttempts, probe.Attempts);
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }

    [Fact]
    public async Task An_abandoned_turn_that_completes_after_its_retry_committed_changes_nothing()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += Record;
        await using var handle = await StartAsync();
        var silo = handle.Cluster.Silos[0];
        var key = $"hang-{Guid.NewGuid():N}";
        var probe = HangGrain.Probes.GetOrAdd(key, _ => new HangProbe());
        var grain = handle.Client.GetGrain<IHangGrain>(key);

        try
        {
            Assert.Equal(2, await grain.WorkAndAnswer(1, hangs: 1)); // the second attempt answers, after the first was abandoned
            var committed = await grain.Read();
            await Eventually.HoldsAsync(async () => await silo.CountPendingMessagesAsync(default) == 0 && silo.QueuedMessages == 0, Patience, "the silo is idle");

            // The abandoned attempt goes on: it writes its state, sends, registers a reminder, and ends faulted.
            probe.Gate.SetResult();
            await Eventually.HoldsAsync(() => probe.AbandonedEnded == 1, Patience, $"{key}: the released attempt ends");

            Assert.Equal(["OperationCanceledException", "OperationCanceledException", "OperationCanceledException"], probe.AbandonedEffects);
            await grain.Append(2);
            Assert.Equal([1, 2], (await grain.Read()).Values);
            Assert.Equal([1], committed.Values);
            Assert.Equal(0, await handle.Client.GetGrain<IRelayGrain>(HangGrain.InboxOf(key)).Received());
            Assert.Empty(await silo.GetDeadLettersAsync(100, default));
            Assert.Equal(2, probe.Attempts);

            // Its failure is observed by the runtime: it never reaches the unobserved-exception handler.
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }

            Assert.DoesNotContain(unobserved, e => e.ToString().Contains(key, StringComparison.Ordinal));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Record;
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }

    [Fact]
    public async Task A_stop_under_a_hung_turn_ends_and_cancels_its_token()
    {
        // The turn timeout is far away: only the stop ends the wait (after the drain), not the timeout.
        await using var handle = await StartAsync(o =>
        {
            o.TurnTimeout = TimeSpan.FromHours(1);
            o.DrainTimeout = TimeSpan.FromMilliseconds(300);
        });
        var silo = handle.Cluster.Silos[0];
        var key = $"hang-{Guid.NewGuid():N}";
        var probe = HangGrain.Probes.GetOrAdd(key, _ => new HangProbe());

        try
        {
            await handle.Client.GetGrain<IHangGrain>(key).Work(1, hangs: int.MaxValue);
            await Eventually.HoldsAsync(() => !probe.HungTokens.IsEmpty, Patience, $"{key}: the turn hangs");

            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await handle.Cluster.StopSiloAsync(silo, bound.Token);

            Assert.True(probe.HungTokens.Single().IsCancellationRequested, "the stop cancels the hung turn's token");
            await Eventually.HoldsAsync(() => silo.QueuedMessages == 0, Patience, $"{key}: the hung turn's worker ends with the stop instead of waiting for the grain");
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }
}

public sealed class InMemoryTurnTimeoutTests(ITestOutputHelper output) : TurnTimeoutTests(Provider.InMemory, output);

public sealed class PostgresTurnTimeoutTests(ITestOutputHelper output) : TurnTimeoutTests(Provider.Postgres, output);
