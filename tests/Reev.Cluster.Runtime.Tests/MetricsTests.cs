using System.Diagnostics.Metrics;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>The runtime's gauges and counters report what the silo really does.</summary>
public sealed class MetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gauges_report_owned_partitions_and_activations_and_counters_count_turns_and_dead_letters()
    {
        await using var handle = await Clusters.StartAsync(Provider.InMemory, output);
        var silo = handle.Cluster.Silos[0];
        var gauges = new Dictionary<string, long>(StringComparer.Ordinal);
        long processed = 0, deadLetters = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Reev.Cluster" && instrument.Name.StartsWith("reev.cluster.runtime.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var bySilo = false;
            foreach (var tag in tags)
            {
                bySilo |= tag.Key == "reev.silo" && (string?)tag.Value == silo.SiloId;
            }

            lock (gauges)
            {
                if (bySilo)
                {
                    gauges[instrument.Name] = value;
                }
                else if (instrument.Name == "reev.cluster.runtime.messages.processed")
                {
                    processed += value;
                }
                else if (instrument.Name == "reev.cluster.runtime.dead_letters")
                {
                    deadLetters += value;
                }
            }
        });
        listener.Start();

        var key = $"metrics-{Guid.NewGuid():N}";
        await handle.Client.GetGrain<ICounterGrain>(key).Increment(1);
        await handle.Client.GetGrain<ITroubleGrain>(key).Fail("metrics");
        await handle.Client.GetGrain<ITroubleGrain>(key).Touch();
        Assert.Equal(1, (await handle.Client.GetGrain<ITroubleGrain>(key).Read()).Touches);

        // The counter grain's one-way Increment is not ordered with the trouble grain's turns: wait for the counts
        // rather than assume every turn was counted by the time the last reply arrived.
        await Eventually.HoldsAsync(
            () =>
            {
                lock (gauges)
                {
                    return Task.FromResult(processed >= 3 && deadLetters >= 1);
                }
            },
            TimeSpan.FromSeconds(10),
            "three turns processed and one dead letter counted");
        listener.RecordObservableInstruments();

        lock (gauges)
        {
            Assert.Equal(silo.OwnedPartitions.Count, gauges["reev.cluster.runtime.partitions.owned"]);
            Assert.Equal(TestCluster.FastOptions().PartitionCount, gauges["reev.cluster.runtime.partitions.owned"]);
            Assert.True(gauges["reev.cluster.runtime.activations"] >= 2);
            Assert.True(processed >= 3, $"processed {processed}");
            Assert.True(deadLetters >= 1, $"dead letters {deadLetters}");
        }
    }

    [Fact]
    public async Task Enqueues_from_outside_grains_record_their_duration_and_batch_size()
    {
        await using var handle = await Clusters.StartAsync(Provider.InMemory, output);
        var durations = new List<double>();
        var batches = new List<int>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Reev.Cluster" && instrument.Name.StartsWith("reev.cluster.runtime.enqueue.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (durations)
            {
                durations.Add(value);
            }
        });
        listener.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            lock (durations)
            {
                batches.Add(value);
            }
        });
        listener.Start();
        var counter = handle.Client.GetGrain<ICounterGrain>($"enqueue-{Guid.NewGuid():N}");

        await Task.WhenAll(Enumerable.Range(1, 50).Select(counter.Increment).ToList());

        lock (durations)
        {
            Assert.NotEmpty(durations);
            Assert.All(durations, d => Assert.True(d >= 0, $"duration {d}"));
            Assert.True(batches.Sum() >= 50, $"{batches.Sum()} messages in {batches.Count} enqueues"); // the metrics listener may see other tests' enqueues too
        }
    }
}
