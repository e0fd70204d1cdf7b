using System.Diagnostics;
using Reev.Cluster.Benchmarks.Grains;

namespace Reev.Cluster.Benchmarks;

/// <summary>
/// The runtime benchmark of one provider and cluster size, in three phases on warm activations:
/// grain-to-grain one-way relay, client-to-grain one-way sends, and sequential asks.
/// </summary>
internal static class RuntimeBenchmark
{
    private const int ClientSenders = 64;
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(10);

    public static async Task<BenchResult> RunAsync(
        string provider, string? serverConnection, int silos, BenchOptions options, CancellationToken cancellationToken)
    {
        await using var cluster = await BenchCluster.StartAsync(serverConnection, silos, options.EnqueueTransactions, cancellationToken).ConfigureAwait(false);
        var grains = options.Grains;
        var client = cluster.Client;
        var refs = Enumerable.Range(0, grains).Select(i => client.GetGrain<IRelayGrain>(RelayGrain.KeyOf(i))).ToArray();

        // Warm-up: activate every grain (one state read each) and let tiered JIT settle.
        await Task.WhenAll(refs.Select(g => g.Relay(grains, 0))).ConfigureAwait(false);
        await cluster.WaitForTurnsAsync(grains, PhaseTimeout, cancellationToken).ConfigureAwait(false);
        var expected = (long)grains;

        // Phase 1: each grain starts a token that hops around the ring; every hop is one turn that writes
        // the grain's state and sends the next message in the same commit.
        var hops = (options.Messages / grains) - 1;
        var relayTotal = (long)grains * (hops + 1);
        var relay = await MeasureAsync(cluster, expected, relayTotal,
            () => Task.WhenAll(refs.Select(g => g.Relay(grains, hops))), cancellationToken).ConfigureAwait(false);
        expected += relayTotal;

        // Phase 2: 64 concurrent client callers, each awaiting its send (one durable enqueue) before the next.
        var perSender = Math.Max(1, options.ClientMessages / ClientSenders);
        var clientTotal = (long)perSender * ClientSenders;
        var sends = await MeasureAsync(cluster, expected, clientTotal,
            () => Task.WhenAll(Enumerable.Range(0, ClientSenders).Select(s => SendManyAsync(refs, s, perSender))), cancellationToken).ConfigureAwait(false);
        expected += clientTotal;

        // Phase 3: sequential asks on an otherwise idle cluster, each a turn that writes state and replies.
        var latencies = new double[options.Asks];
        for (var i = 0; i < latencies.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await refs[(i * 7919) % grains].Touch().ConfigureAwait(false);
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        expected += options.Asks;
        await cluster.WaitForTurnsAsync(expected, PhaseTimeout, cancellationToken).ConfigureAwait(false);
        Array.Sort(latencies);
        var verified = await cluster.VerifyAsync(expected, cancellationToken).ConfigureAwait(false);
        return new BenchResult(provider, silos, relay, sends,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Average(), verified);
    }

    private static async Task<PhaseResult> MeasureAsync(
        BenchCluster cluster, long before, long messages, Func<Task> start, CancellationToken cancellationToken)
    {
        var commits = cluster.Commits;
        var started = Stopwatch.GetTimestamp();
        await start().ConfigureAwait(false);
        await cluster.WaitForTurnsAsync(before + messages, PhaseTimeout, cancellationToken).ConfigureAwait(false);
        return new PhaseResult(messages, Stopwatch.GetElapsedTime(started), cluster.Commits - commits);
    }

    private static async Task SendManyAsync(IRelayGrain[] refs, int sender, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await refs[((sender * 131) + (i * 17)) % refs.Length].Add(1).ConfigureAwait(false);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
