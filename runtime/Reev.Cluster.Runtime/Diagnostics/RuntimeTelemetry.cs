using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Reev.Cluster.Runtime.Diagnostics;

/// <summary>The runtime's ActivitySource and instruments (Meter "Reev.Cluster").</summary>
internal static class RuntimeTelemetry
{
    public const string SourceName = "Reev.Cluster.Runtime";
    public const string MeterName = "Reev.Cluster";

    public static readonly ActivitySource Source = new(SourceName);
    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> MessagesProcessed =
        Meter.CreateCounter<long>("reev.cluster.runtime.messages.processed", "{message}", "Turns committed.");

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("reev.cluster.runtime.messages.sent", "{message}",
            "Messages sent by committed turns, by route (local: to a partition the sending silo owns, dispatched in process; remote: woken by a notification and fetched by the owner) and reev.silo.");

    public static readonly Counter<long> MessagesForwarded =
        Meter.CreateCounter<long>("reev.cluster.runtime.messages.forwarded", "{message}",
            "Messages found in a partition other than their grain's (a placement rule changed, ADR 0015), moved to the grain's partition.");

    public static readonly Counter<long> MessagesFailed =
        Meter.CreateCounter<long>("reev.cluster.runtime.messages.failed", "{attempt}", "Failed turn attempts.");

    public static readonly Counter<long> TurnsTimedOut =
        Meter.CreateCounter<long>("reev.cluster.runtime.turns.timed_out", "{attempt}", "Grain code abandoned at its timeout (SiloOptions.TurnTimeout), by phase: turn (also a failed attempt) or deactivation.");

    public static readonly Counter<long> DeadLetters =
        Meter.CreateCounter<long>("reev.cluster.runtime.dead_letters", "{message}", "Messages moved to the dead-letter table.");

    public static readonly Counter<long> Commits =
        Meter.CreateCounter<long>("reev.cluster.runtime.commits", "{transaction}", "Commit transactions.");

    public static readonly Histogram<int> CommitBatchSize =
        Meter.CreateHistogram<int>("reev.cluster.runtime.commit.batch_size", "{turn}", "Turns per commit transaction.");

    public static readonly Histogram<double> CommitDuration =
        Meter.CreateHistogram<double>("reev.cluster.runtime.commit.duration", "ms", "Commit transaction duration.");

    public static readonly Histogram<double> EnqueueDuration =
        Meter.CreateHistogram<double>("reev.cluster.runtime.enqueue.duration", "ms", "Durable enqueue of sends from outside grains (one INSERT transaction), from its start to its commit.");

    public static readonly Histogram<double> EnqueueWait =
        Meter.CreateHistogram<double>("reev.cluster.runtime.enqueue.wait", "ms", "How long a send from outside grains waited for its INSERT to start (for the INSERTs in flight, ADR 0017).");

    public static readonly Histogram<int> EnqueueBatchSize =
        Meter.CreateHistogram<int>("reev.cluster.runtime.enqueue.batch_size", "{message}", "Messages per enqueue transaction.");

    public static readonly Counter<long> EnqueueDispatchFailures =
        Meter.CreateCounter<long>("reev.cluster.runtime.enqueue.dispatch_failures", "{batch}", "Committed sends from outside grains whose local dispatch failed; the fetch loop delivers them instead.");

    public static readonly Histogram<double> QueueReclaimDuration =
        Meter.CreateHistogram<double>("reev.cluster.runtime.queue.reclaim.duration", "ms", "Reclaiming the room of consumed messages and fired reminders (PostgreSQL: VACUUM of the queue tables).");

    public static readonly Counter<long> FencedCommits =
        Meter.CreateCounter<long>("reev.cluster.runtime.commits.fenced", "{transaction}", "Commits rejected because a lease was lost.");

    public static readonly Counter<long> PartitionChanges =
        Meter.CreateCounter<long>("reev.cluster.runtime.partitions.changes", "{partition}", "Partitions acquired (direction=acquired) or given up (direction=released|lost).");

    public static readonly Counter<long> LeaseRenewals =
        Meter.CreateCounter<long>("reev.cluster.runtime.lease.renewals", "{heartbeat}", "Membership lease renewals.");

    public static readonly Counter<long> RemindersFired =
        Meter.CreateCounter<long>("reev.cluster.runtime.reminders.fired", "{reminder}", "Reminders turned into messages.");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Silo, byte> Silos = new();

    /// <summary>Gauges over the running silos of this process, tagged with the silo id.</summary>
    static RuntimeTelemetry()
    {
        Meter.CreateObservableGauge("reev.cluster.runtime.inbox.queued", () => Observe(s => s.QueuedMessages), "{message}", "Messages dispatched to activations and not yet committed.");
        Meter.CreateObservableGauge("reev.cluster.runtime.inbox.depth", () => Observe(s => s.LastInboxDepth), "{message}", "Messages waiting in the durable inbox of the cluster (sampled at each heartbeat; on PostgreSQL from its table statistics).");
        Meter.CreateObservableGauge("reev.cluster.runtime.partitions.owned", () => Observe(s => s.OwnedPartitions.Count), "{partition}", "Partitions the silo owns.");
        Meter.CreateObservableGauge("reev.cluster.runtime.activations", () => Observe(s => s.ActivationCount), "{activation}", "Activations in memory.");
    }

    public static void Register(Silo silo) => Silos.TryAdd(silo, 0);

    public static void Unregister(Silo silo) => Silos.TryRemove(silo, out _);

    private static IEnumerable<Measurement<long>> Observe(Func<Silo, long> value) =>
        Silos.Keys.Select(s => new Measurement<long>(value(s), new KeyValuePair<string, object?>("reev.silo", s.SiloId)));
}
