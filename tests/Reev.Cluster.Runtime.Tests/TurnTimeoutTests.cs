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

            await Eventually.HoldsAsync(() => probe.HungTokens.Single().IsCancellationRequested, Patience, "the stop cancels the hung turn's token");
            await Eventually.HoldsAsync(() => silo.QueuedMessages == 0, Patience, $"{key}: the hung turn's worker ends with the stop instead of waiting for the grain");
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangGrain.Probes.TryRemove(key, out _);
        }
    }

    [Fact]
    public async Task Code_abandoned_in_OnActivateAsync_does_not_go_on_to_the_method_when_it_returns()
    {
        await using var handle = await StartAsync();
        var key = $"hang-activation-{Guid.NewGuid():N}";
        var probe = HangLifecycleGrain.Probes.GetOrAdd(key, _ => new HangLifecycleProbe { ActivationHangs = 1 });
        var grain = handle.Client.GetGrain<IHangLifecycleGrain>(key);

        try
        {
            await grain.Mark(1); // the first activation hangs and is abandoned; the retry activates afresh and runs Mark
            Assert.Equal([1], (await grain.Read()).Values);
            Assert.Equal(1, probe.MethodRuns);

            // The abandoned OnActivateAsync returns now: the runtime must not run Mark for the turn it gave up.
            probe.Gate.SetResult();
            await Eventually.HoldsAsync(() => probe.ActivationsEnded == 2, Patience, $"{key}: the abandoned activation returns");
            await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
            Assert.Equal(1, probe.MethodRuns);
            Assert.Equal([1], (await grain.Read()).Values);
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangLifecycleGrain.Probes.TryRemove(key, out _);
        }
    }

    [Fact]
    public async Task A_graceful_stop_abandons_a_hung_OnDeactivateAsync_at_the_drain_timeout_instead_of_the_turn_timeout()
    {
        await using var handle = await StartAsync(o =>
        {
            o.TurnTimeout = TimeSpan.FromHours(1);
            o.DrainTimeout = TimeSpan.FromMilliseconds(300);
        });
        var silo = handle.Cluster.Silos[0];
        var key = $"hang-deactivation-{Guid.NewGuid():N}";
        var probe = HangLifecycleGrain.Probes.GetOrAdd(key, _ => new HangLifecycleProbe { DeactivationHangs = true });

        try
        {
            await handle.Client.GetGrain<IHangLifecycleGrain>(key).Mark(1);
            await Eventually.HoldsAsync(() => probe.MethodRuns == 1 && silo.QueuedMessages == 0, Patience, $"{key}: activated and idle");

            var stopping = System.Diagnostics.Stopwatch.StartNew();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await handle.Cluster.StopSiloAsync(silo, bound.Token).WaitAsync(TimeSpan.FromSeconds(15), TimeProvider.System);

            Assert.True(probe.DeactivationHung.Task.IsCompleted, "the stop deactivated the grain, whose OnDeactivateAsync hung");
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"the stop took {stopping.Elapsed}; the hung deactivation held it");
            Assert.False(silo.IsRunning);
        }
        finally
        {
            probe.Gate.TrySetResult();
            HangLifecycleGrain.Probes.TryRemove(key, out _);
        }
    }
}

public sealed class InMemoryTurnTimeoutTests(ITestOutputHelper output) : TurnTimeoutTests(Provider.InMemory, output);

public sealed class PostgresTurnTimeoutTests(ITestOutputHelper output) : TurnTimeoutTests(Provider.Postgres, output);
