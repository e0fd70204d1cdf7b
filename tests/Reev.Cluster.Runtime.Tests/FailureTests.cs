using System.Text.Json;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The runtime's promise under failure, on PostgreSQL with several silos: silos killed, paused and
/// stopped at the worst moment lose nothing and apply nothing twice.
/// </summary>
[Collection(FailureTestsCollection.Name)]
public sealed class FailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Exactly_once_with_a_silo_killed_mid_stream_and_another_started()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 3);
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var silos = handle.Cluster.Silos;
        var victim = silos[0];
        var client = silos[2].GrainFactory;
        var keys = Enumerable.Range(0, 1000).Select(i => $"eo-{i}").ToList();

        // First half of every grain's sequence, then kill a silo while its grains are busy, then the rest.
        var firstHalf = Clusters.SendIncrementsAsync(client, keys, perGrain: 10);
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_grain_state") >= 300,
            Patience,
            "the stream is under way");
        await handle.Cluster.KillSiloAsync(victim);
        await firstHalf;
        await handle.Cluster.StartSiloAsync();
        await Clusters.SendIncrementsAsync(client, keys, perGrain: 10, firstSequence: 11);

        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            Patience,
            "every message is consumed");
        var states = await ReadCounterStatesAsync(handle.Database!);
        Assert.Equal(1000, states.Count);
        Assert.All(states, s =>
        {
            Assert.Equal(20, s.Count);
            Assert.Equal(20, s.LastSequence);
            Assert.Equal(0, s.Repeats);
            Assert.Equal(0, s.Gaps);
        });
        Assert.Equal(0, await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_dead_letters"));
    }

    [Fact]
    public async Task A_paused_silo_whose_lease_was_taken_over_cannot_commit()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 1);
        var paused = handle.Cluster.Silos[0];
        var key = $"fence-{Guid.NewGuid():N}";
        var counter = paused.GrainFactory.GetGrain<ICounterGrain>(key);
        await counter.Increment(1);
        Assert.Equal(paused.SiloId, (await counter.Read()).LastSilo);

        // Pause the silo: its commits block and its heartbeats stop, as in a long GC pause.
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outcomes = new List<CommitOutcome>();
        paused.TestHooks.CommitCompleted = (outcome, _) =>
        {
            lock (outcomes)
            {
                outcomes.Add(outcome);
            }
        };
        paused.TestHooks.SuspendHeartbeats = true;
        paused.TestHooks.BeforeCommitAsync = async _ =>
        {
            entered.TrySetResult();
            await release.Task;
        };
        await counter.Increment(2);
        await entered.Task.WaitAsync(Patience);

        // A second silo takes every partition over once the paused silo's lease has run out, and applies the message.
        var successor = await handle.Cluster.StartSiloAsync();
        await Eventually.HoldsAsync(() => successor.OwnedPartitions.Count == successor.Options.PartitionCount, Patience, "the successor owns every partition");
        var viaSuccessor = successor.GrainFactory.GetGrain<ICounterGrain>(key);
        await Eventually.HoldsAsync(async () => (await viaSuccessor.Read()).Count == 2, Patience, "the successor applies increment 2");

        // The paused silo wakes up and tries to commit the turn it ran before the pause.
        release.SetResult();
        await Eventually.HoldsAsync(
            () =>
            {
                lock (outcomes)
                {
                    return outcomes.Contains(CommitOutcome.Fenced);
                }
            },
            Patience,
            "the paused silo's late commit is rejected by fencing");

        var stored = await ReadCounterStateAsync(handle.Database!, key);
        Assert.Equal(2, stored.Count);
        Assert.Equal(0, stored.Repeats);
        Assert.Equal(successor.SiloId, stored.LastSilo);
        Assert.Equal(2, await handle.Database!.ScalarAsync<long>($"SELECT version FROM reev_grain_state WHERE grain_key = '{key}'"));
        lock (outcomes)
        {
            Assert.DoesNotContain(CommitOutcome.Committed, outcomes);
        }

        Assert.DoesNotContain(successor.Options.PartitionCount, new[] { paused.OwnedPartitions.Count }); // it dropped what it lost
    }

    [Fact]
    public async Task After_an_abrupt_kill_partitions_are_owned_again_and_pending_messages_processed_within_lease_plus_5_s()
    {
        var lease = TimeSpan.FromSeconds(5);
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2, configure: o => o.LeaseDuration = lease);
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var victim = handle.Cluster.Silos[0];
        var survivor = handle.Cluster.Silos[1];

        // The victim stalls before committing, so the messages of its partitions are pending when it dies.
        victim.TestHooks.BeforeCommitAsync = ct => Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, ct);
        var keys = Enumerable.Range(0, 100).Select(i => $"failover-{i}").ToList();
        await Clusters.SendIncrementsAsync(survivor.GrainFactory, keys, perGrain: 1);
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_grain_state") >= 1,
            Patience,
            "the survivor processes its share");
        var pendingAtKill = await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages");
        Assert.True(pendingAtKill > 0, "the victim holds pending messages when it is killed");

        var killedAt = TimeProvider.System.GetTimestamp();
        await handle.Cluster.KillSiloAsync(victim);
        await Eventually.HoldsAsync(
            async () => survivor.OwnedPartitions.Count == survivor.Options.PartitionCount
                && await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            Patience,
            "the survivor owns every partition and has processed every pending message");
        var elapsed = TimeProvider.System.GetElapsedTime(killedAt);
        output.WriteLine($"failover: {pendingAtKill} pending messages processed {elapsed.TotalSeconds:0.00} s after the kill (lease {lease.TotalSeconds} s)");

        Assert.True(elapsed <= lease + TimeSpan.FromSeconds(5), $"failover took {elapsed.TotalSeconds:0.00} s");
        var states = await ReadCounterStatesAsync(handle.Database!);
        Assert.Equal(100, states.Count);
        Assert.All(states, s => Assert.Equal(1, s.Count));
    }

    [Fact]
    public async Task A_one_shot_reminder_due_after_its_silo_is_killed_fires_on_a_survivor()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2);
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var survivorClient = handle.Cluster.Silos[1].GrainFactory;

        // Schedule on enough grains that some live on each silo; kill the silo that owns the first one. Due in 6 s: time
        // for the 32 calls before the kill even on a loaded machine (a reminder that fired on the victim first would fail).
        var keys = Enumerable.Range(0, 16).Select(i => $"rem-{Guid.NewGuid():N}").ToList();
        foreach (var key in keys)
        {
            await survivorClient.GetGrain<IReminderGrain>(key).Schedule("wake", dueMilliseconds: 6000, periodMilliseconds: 0);
        }

        var states = await Task.WhenAll(keys.Select(k => survivorClient.GetGrain<IReminderGrain>(k).Read()));
        var victimId = states[0].ScheduledBy!;
        var victim = handle.Cluster.Silos.Single(s => s.SiloId == victimId);
        var survivor = handle.Cluster.Silos.Single(s => s.SiloId != victimId);
        var onVictim = keys.Where((_, i) => states[i].ScheduledBy == victimId).ToList();
        await handle.Cluster.KillSiloAsync(victim);

        await Eventually.HoldsAsync(
            async () =>
            {
                var now = await Task.WhenAll(onVictim.Select(k => survivor.GrainFactory.GetGrain<IReminderGrain>(k).Read()));
                return now.All(s => s.Ticks.GetValueOrDefault("wake") == 1);
            },
            Patience,
            "the killed silo's reminders fire on the survivor");
        var after = await Task.WhenAll(onVictim.Select(k => survivor.GrainFactory.GetGrain<IReminderGrain>(k).Read()));
        Assert.All(after, s =>
        {
            Assert.Equal(survivor.SiloId, s.FiredBy);
            Assert.Equal(1, s.Ticks["wake"]);
        });
    }

    [Fact]
    public async Task A_gracefully_stopped_silo_hands_over_at_once_and_nothing_runs_twice()
    {
        // A long lease: a hand-over that waited for expiry would take 30 s and fail the deadline below.
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2, configure: o => o.LeaseDuration = TimeSpan.FromSeconds(30));
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var leaving = handle.Cluster.Silos[0];
        var staying = handle.Cluster.Silos[1];
        var keys = Enumerable.Range(0, 200).Select(i => $"scale-in-{i}").ToList();

        var stream = Clusters.SendIncrementsAsync(staying.GrainFactory, keys, perGrain: 10);
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_grain_state") >= 50,
            Patience,
            "the stream is under way");
        var stoppedAt = TimeProvider.System.GetTimestamp();
        await handle.Cluster.StopSiloAsync(leaving);
        await Eventually.HoldsAsync(() => staying.OwnedPartitions.Count == staying.Options.PartitionCount, TimeSpan.FromSeconds(10), "the staying silo owns every partition");
        var handOver = TimeProvider.System.GetElapsedTime(stoppedAt);
        await stream;
        await Eventually.HoldsAsync(
            async () => await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            Patience,
            "every message is consumed");
        output.WriteLine($"graceful hand-over took {handOver.TotalSeconds:0.00} s with a 30 s lease");

        Assert.True(handOver < TimeSpan.FromSeconds(10));
        var states = await ReadCounterStatesAsync(handle.Database!);
        Assert.Equal(200, states.Count);
        Assert.All(states, s =>
        {
            Assert.Equal(10, s.Count);
            Assert.Equal(0, s.Repeats);
            Assert.Equal(0, s.Gaps);
        });
    }

    [Fact]
    public async Task A_stopping_silo_takes_back_no_partition_while_a_long_turn_drains()
    {
        // The drain outlasts several heartbeats. The leaving silo keeps its leases alive meanwhile, but it must not take
        // its partitions back (and fetch and run new work) because the database still names it their owner.
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2, configure: o => o.LeaseDuration = TimeSpan.FromSeconds(30));
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var leaving = handle.Cluster.Silos[0];
        var staying = handle.Cluster.Silos[1];
        var key = Enumerable.Range(0, 1000).Select(i => $"long-turn-{i}").First(k => leaving.Owns<ITroubleGrain>(k));
        var grain = staying.GrainFactory.GetGrain<ITroubleGrain>(key);
        // The turn holds 6 s so that the drain still lasts when a busy machine stretches the second waited here.
        await grain.Hold(6000);
        await Task.Delay(TimeSpan.FromMilliseconds(1000), TimeProvider.System); // the turn is under way

        var stop = handle.Cluster.StopSiloAsync(leaving);
        var owned = new List<int>();
        for (var i = 0; i < 20 && !stop.IsCompleted; i++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System);
            owned.Add(leaving.OwnedPartitions.Count);
        }

        await stop;
        await Eventually.HoldsAsync(() => staying.OwnedPartitions.Count == staying.Options.PartitionCount, TimeSpan.FromSeconds(10), "the staying silo owns every partition");
        output.WriteLine($"partitions of the leaving silo while it drained: {string.Join(", ", owned)}");

        Assert.True(owned.Count >= 10, $"the drain lasted {owned.Count} samples; the turn holds it for 6 s");
        Assert.All(owned, n => Assert.Equal(0, n));
        Assert.Equal(1, (await grain.Read()).Touches); // the long turn committed once, before the hand-over
    }

    [Fact]
    public async Task Three_silos_starting_at_once_on_an_empty_database_migrate_once_and_split_fairly()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 3, configure: o => o.PartitionCount = 64);

        await handle.Cluster.WaitForBalanceAsync(Patience);

        var owned = handle.Cluster.Silos.Select(s => s.OwnedPartitions.Count).ToList();
        output.WriteLine($"split: {string.Join(", ", owned)}");
        Assert.Equal(64, owned.Sum());
        Assert.All(owned, c => Assert.InRange(c, 21, 22));
        // Every runtime migration script (embedded in the runtime assembly), each applied once.
        var scripts = typeof(Reev.Cluster.Runtime.Postgres.PostgresMigrator).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        Assert.True(scripts >= 4, $"expected the runtime's migration scripts as embedded resources, found {scripts}");
        Assert.Equal(scripts, await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_schema_migrations"));
        Assert.Equal(scripts, await handle.Database!.ScalarAsync<long>("SELECT count(DISTINCT version) FROM reev_schema_migrations"));
        Assert.Equal(64, await handle.Database!.ScalarAsync<long>("SELECT count(*) FROM reev_partitions"));
        Assert.Equal(0, await handle.Database!.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT owner FROM reev_partitions GROUP BY partition, owner HAVING count(*) > 1) d"));
    }

    [Fact]
    public async Task Silos_survive_the_database_going_away_and_coming_back_without_losing_a_message()
    {
        await using var handle = await Clusters.StartAsync(Provider.Postgres, output, silos: 2);
        await handle.Cluster.WaitForBalanceAsync(Patience);
        var db = handle.Database!;
        var client = handle.Cluster.Silos[1].GrainFactory;
        var keys = Enumerable.Range(0, 100).Select(i => $"outage-{i}").ToList();
        await Clusters.SendIncrementsAsync(client, keys, perGrain: 5);

        // The database refuses connections and every open one is cut, for two seconds.
        await db.ExecuteAsync($"ALTER DATABASE \"{db.Name}\" ALLOW_CONNECTIONS false");
        await db.ExecuteAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db.Name}' AND pid <> pg_backend_pid()");
        await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System);
        var refused = await Record.ExceptionAsync(() => client.GetGrain<ICounterGrain>(keys[0]).Increment(6));
        await db.ExecuteAsync($"ALTER DATABASE \"{db.Name}\" ALLOW_CONNECTIONS true");

        Assert.IsType<ClusterUnavailableException>(refused);
        Assert.All(handle.Cluster.Silos, s => Assert.True(s.IsRunning));
        await Clusters.SendIncrementsAsync(client, keys, perGrain: 5, firstSequence: 6);
        await Eventually.HoldsAsync(
            async () => await db.ScalarAsync<long>("SELECT count(*) FROM reev_messages") == 0,
            Patience,
            "every message is consumed after the outage");
        var states = await ReadCounterStatesAsync(db);
        Assert.Equal(100, states.Count);
        Assert.All(states, s =>
        {
            Assert.Equal(10, s.Count);
            Assert.Equal(0, s.Repeats);
            Assert.Equal(0, s.Gaps);
        });
    }

    private static async Task<List<CounterState>> ReadCounterStatesAsync(TestDatabase database)
    {
        var json = await database.ScalarAsync<string>(
            "SELECT coalesce(json_agg(state::json), '[]'::json)::text FROM reev_grain_state WHERE grain_type = 'CounterGrain'");
        return JsonSerializer.Deserialize<List<CounterState>>(json, Json)!;
    }

    private static async Task<CounterState> ReadCounterStateAsync(TestDatabase database, string key)
    {
        var json = await database.ScalarAsync<string>($"SELECT state FROM reev_grain_state WHERE grain_type = 'CounterGrain' AND grain_key = '{key}'");
        return JsonSerializer.Deserialize<CounterState>(json, Json)!;
    }
}

/// <summary>Failure tests measure timings; they run one at a time so that they do not starve each other of the 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FailureTestsCollection
{
    public const string Name = "failure tests";
}
