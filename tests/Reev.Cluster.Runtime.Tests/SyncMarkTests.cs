using Microsoft.Extensions.Logging;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Partitions a silo acquires while their grains keep messaging each other (ADR 0002, Revision): their resync marks clear
/// after the first sweep that started after the acquisition, although messages keep being refused while that sweep runs;
/// the silo then stops sweeping back to back, and the stream keeps its order, once each.
/// </summary>
public sealed class SyncMarkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly string RallyType = GrainInterfaceMetadata.For(typeof(IRallyGrain)).GrainType;

    // The partitions taken away from the silo and claimed back; rallies played between their grains, and rallies on
    // partitions that stay whose spectators are on the moved ones: a stream into the moved partitions that goes on
    // while they move.
    private static readonly int[] Moved = [3, 7, 11, 19];
    private static readonly int[] Staying = [0, 5, 13, 22];
    private const int Rallies = 48;
    private const int Watched = 16;

    [Theory]
    [InlineData(Provider.InMemory)]
    [InlineData(Provider.Postgres)]
    public async Task Partitions_acquired_under_a_steady_stream_are_in_sync_after_a_few_sweeps_and_keep_order(Provider provider)
    {
        InMemoryClusterProvider? memory = null;
        await using var handle = await Clusters.StartAsync(
            provider,
            output,
            wrap: p =>
            {
                memory ??= p as InMemoryClusterProvider;
                return new SlowSweepProvider(p);
            });
        var silo = handle.Cluster.Silos[0];
        var partitions = silo.Options.PartitionCount;
        var rally = $"rally-{Guid.NewGuid():N}";
        var pairs = Enumerable.Range(0, Rallies)
            .Select(i => (First: Key(rally, Moved[i % Moved.Length], partitions), Second: Key(rally, Moved[(i + 1) % Moved.Length], partitions)))
            .ToList();
        var watched = Enumerable.Range(0, Watched)
            .Select(i => (
                First: Key(rally, Staying[i % Staying.Length], partitions),
                Second: Key(rally, Staying[(i + 1) % Staying.Length], partitions),
                Spectator: Key(rally, Moved[i % Moved.Length], partitions)))
            .ToList();
        try
        {
            // Phase 1: every rally is under way.
            foreach (var (first, second) in pairs)
            {
                await silo.GrainFactory.GetGrain<IRallyGrain>(first).Hit(rally, second, 1);
            }

            foreach (var (first, second, spectator) in watched)
            {
                await silo.GrainFactory.GetGrain<IRallyGrain>(first).Hit(rally, second, 1, spectator);
            }

            await Eventually.HoldsAsync(() => Strokes(rally) >= (Rallies + Watched) * 20, Patience, "phase 1: the rallies are under way");

            // Phase 2: the partitions are taken away (another owner, gone at once) and the silo claims them back at a new epoch,
            // which marks them syncing, while the rallies go on wherever the silo still dispatches them.
            var epochs = await TakeAwayAsync(handle, memory);
            await Eventually.HoldsAsync(
                () => Moved.All(p => silo.OwnedLeases.Contains(new PartitionLease(p, epochs[p] + 1))),
                Patience,
                $"phase 2: silo {silo.SiloId} claims partitions {string.Join(", ", Moved)} back at their next epoch");
            var claimedAt = TimeProvider.System.GetTimestamp();
            var sweepsAtClaim = silo.SweepsStarted;
            var strokesAtClaim = Strokes(rally);

            // Phase 3: the marks clear while the rallies go on, at the end of the first sweep that started after the claim
            // (or the next, when the claim came while a sweep ran): they waited for a sweep without a refusal before,
            // which a steady stream never leaves, and the silo swept back to back meanwhile.
            while (silo.ResyncMarks != (0, 0) && TimeProvider.System.GetElapsedTime(claimedAt) < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(10), TimeProvider.System);
            }

            var sweepsToSync = silo.SweepsStarted - sweepsAtClaim;
            var state = $"{TimeProvider.System.GetElapsedTime(claimedAt).TotalMilliseconds:0} ms and {sweepsToSync} sweeps after the claim, "
                + $"{Strokes(rally) - strokesAtClaim} strokes meanwhile, marks held {silo.ResyncMarks} (partitions, grains)";
            output.WriteLine($"phase 3: {state}");
            Assert.True(silo.ResyncMarks == (0, 0), $"phase 3: the resync marks clear under a steady stream: {state}");
            Assert.True(sweepsToSync <= 4, $"phase 3: the resync marks clear after the first complete sweep: {state}");

            // The stream goes on through local dispatch, not sweep after sweep: over 2 s the silo sweeps about every
            // SweepInterval (500 ms), where it swept back to back (a 20 ms sweep) while a mark was held.
            var strokesInSync = Strokes(rally);
            var sweepsInSync = silo.SweepsStarted;
            await Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System);
            var sweeps = silo.SweepsStarted - sweepsInSync;
            var strokes = Strokes(rally) - strokesInSync;
            output.WriteLine($"in sync, 2 s: {sweeps} sweeps, {strokes} strokes, marks {silo.ResyncMarks}");
            Assert.True(strokes >= (Rallies + Watched) * 10, $"the stream goes on in sync: {strokes} strokes in 2 s");
            Assert.True(sweeps <= 12, $"the silo sweeps at its interval once in sync, not back to back: {sweeps} sweeps in 2 s");
        }
        finally
        {
            RallyGrain.Stopped[rally] = true;
        }

        // Phase 4: stopped, every stroke was taken once and in its turn.
        await Eventually.HoldsAsync(
            async () =>
            {
                var before = Strokes(rally);
                await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
                return before == Strokes(rally) && await silo.CountPendingMessagesAsync(default) == 0;
            },
            Patience,
            "phase 4: the rallies end");
        foreach (var (first, second) in pairs)
        {
            var a = await silo.GrainFactory.GetGrain<IRallyGrain>(first).Read();
            var b = await silo.GrainFactory.GetGrain<IRallyGrain>(second).Read();
            var label = $"rally {first} / {second}: {a.Strokes}+{b.Strokes} strokes, last {a.LastStroke}/{b.LastStroke}";
            Assert.True((a.Repeats, a.Gaps, b.Repeats, b.Gaps) == (0, 0, 0, 0), $"{label}: repeats/gaps {a.Repeats}/{a.Gaps}, {b.Repeats}/{b.Gaps}");
            Assert.True(a.Strokes + b.Strokes == Math.Max(a.LastStroke, b.LastStroke), $"{label}: a stroke was lost or taken twice");
        }

        foreach (var (first, _, spectator) in watched)
        {
            var server = await silo.GrainFactory.GetGrain<IRallyGrain>(first).Read();
            var seen = await silo.GrainFactory.GetGrain<IRallyGrain>(spectator).Read();
            var label = $"spectator {spectator} of {first}: saw {seen.Strokes} strokes up to {seen.LastStroke}, the server took {server.Strokes} up to {server.LastStroke}";
            Assert.True((seen.Repeats, seen.Gaps) == (0, 0), $"{label}: repeats/gaps {seen.Repeats}/{seen.Gaps}");
            Assert.True((seen.Strokes, seen.LastStroke) == (server.Strokes, server.LastStroke), $"{label}: a stroke was missed or seen twice");
        }
    }

    private static int Strokes(string rally) => RallyGrain.Taken.GetValueOrDefault(rally);

    /// <summary>Gives the moved partitions to an owner that is gone, a step past their epoch; answers the epochs it set.</summary>
    private static async Task<Dictionary<int, long>> TakeAwayAsync(ClusterHandle handle, InMemoryClusterProvider? memory)
    {
        if (memory is not null)
        {
            lock (memory.Database.Lock)
            {
                foreach (var p in Moved)
                {
                    memory.Database.Partitions[p] = ("gone", memory.Database.Partitions[p].Epoch + 1);
                }

                return Moved.ToDictionary(p => p, p => memory.Database.Partitions[p].Epoch);
            }
        }

        // The epochs as set here: the silo may claim the partitions back before a later read.
        var set = await handle.Database!.ScalarAsync<string>(
            $"WITH u AS (UPDATE reev_partitions SET owner = 'gone', epoch = epoch + 1 WHERE partition IN ({string.Join(", ", Moved)}) "
            + "RETURNING partition, epoch) SELECT string_agg(partition || ':' || epoch, ',') FROM u");
        return set.Split(',').Select(pair => pair.Split(':')).ToDictionary(
            pair => int.Parse(pair[0], System.Globalization.CultureInfo.InvariantCulture),
            pair => long.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A fresh rally grain key on <paramref name="partition"/>.</summary>
    private static string Key(string prefix, int partition, int partitions)
    {
        while (true)
        {
            var key = $"{prefix}-{Guid.NewGuid():N}";
            if (PartitionHash.Compute(new GrainId(RallyType, key), partitions) == partition)
            {
                return key;
            }
        }
    }

    /// <summary>A provider whose sweeps take 20 ms more, as a sweep over a deep inbox does: the stream goes on meanwhile.</summary>
    private sealed class SlowSweepProvider(ClusterProvider inner) : ClusterProvider
    {
        internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
            new SlowSweepStore(inner.CreateStore(partitionCount, timeProvider, loggerFactory));
    }

    private sealed class SlowSweepStore(IRuntimeStore inner) : DelegatingRuntimeStore(inner)
    {
        public override async Task<bool> SweepAsync(
            IReadOnlyCollection<int> partitions, int pageSize, Func<IReadOnlyList<StoredMessage>, bool> onPage, CancellationToken cancellationToken)
        {
            var complete = await base.SweepAsync(partitions, pageSize, onPage, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, cancellationToken);
            return complete;
        }
    }
}
