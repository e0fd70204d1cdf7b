using System.Collections.Concurrent;
using System.Diagnostics;
using Reev.Cluster.GrainInterfaces;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Trace context travels in the durable messages: one flow is one trace, across silos.</summary>
[Collection(GrainFailureCollection.Name)]
public sealed class TracingTests(ITestOutputHelper output)
{
    private static readonly ActivitySource Test = new("Reev.Cluster.Tests");

    [Fact]
    public async Task One_flow_spanning_two_silos_is_one_trace()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Reev.Cluster", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 2);
        await host.Cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        var (a, b) = (host.Cluster.Silos[0], host.Cluster.Silos[1]);
        var id = Enumerable.Range(0, 10000).Select(i => $"trace-{i}-{Guid.NewGuid():N}"[..30])
            .First(k => a.Owns<IExecutionGrain>(k) && b.Owns<IStepGrain>(StepKeys.For(k, 1)));

        ActivityTraceId traceId;
        using (var root = Test.StartActivity("submit flow"))
        {
            traceId = root!.TraceId;
            await a.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit")));
        }

        await host.WaitFinalAsync(id);
        // The test's status polls (ReadAsync asks) are requests of their own, with their own traces.
        var turns = spans.Where(s => s.OperationName == "grain turn"
            && ((string?)s.GetTagItem("reev.grain.key"))?.StartsWith(id, StringComparison.Ordinal) == true
            && (string?)s.GetTagItem("reev.grain.method") != "ReadAsync").ToList();

        Assert.Contains(turns, s => (string?)s.GetTagItem("reev.grain.type") == "step");
        Assert.Contains(turns, s => (string?)s.GetTagItem("reev.grain.type") == "consolidation");
        Assert.All(turns, s => Assert.Equal(traceId, s.TraceId));
        Assert.Equal(2, turns.Select(s => s.GetTagItem("reev.silo")).Distinct().Count());
        Assert.Contains(spans, s => s.OperationName == "run step" && s.TraceId == traceId); // the flow library's span joins the trace
    }
}
