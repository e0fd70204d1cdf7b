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
        using var recorder = new SpanRecorder();
        await using var host = await GrainHost.StartAsync(Provider.Postgres, output, silos: 2);
        await host.Cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        // A flow's steps and consolidation are placed with its execution (ADR 0015); the recovery grain, one for the
        // cluster, is where the flow crosses to the other silo: a slippage error asks it for alternates.
        var b = host.Cluster.Silos.Single(s => s.Owns<IRecoveryGrain>(IRecoveryGrain.Key));
        var a = host.Cluster.Silos.Single(s => s != b);
        var id = Enumerable.Range(0, 10000).Select(i => $"trace-{i}-{Guid.NewGuid():N}"[..30]).First(a.Owns<IExecutionGrain>);

        ActivityTraceId traceId;
        using (var root = Test.StartActivity("submit flow"))
        {
            traceId = root!.TraceId;
            await b.GrainFactory.GetGrain<IExecutionGrain>(id).StartAsync(
                Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit"), faults: "slippage@1"));
        }

        var view = await host.WaitFinalAsync(id);
        Assert.Equal(AlternateKind.ReducedAmount, view.Steps[0].Alternate);
        // The test's status polls (ReadAsync asks) are requests of their own, with their own traces.
        var turns = recorder.Spans.Where(s => s.OperationName == "grain turn"
            && (((string?)s.GetTagItem("reev.grain.key"))?.StartsWith(id, StringComparison.Ordinal) == true || s.TraceId == traceId)
            && (string?)s.GetTagItem("reev.grain.method") != "ReadAsync").ToList();

        Assert.Contains(turns, s => (string?)s.GetTagItem("reev.grain.type") == "step");
        Assert.Contains(turns, s => (string?)s.GetTagItem("reev.grain.type") == "consolidation");
        Assert.Contains(turns, s => (string?)s.GetTagItem("reev.grain.type") == "recovery");
        Assert.All(turns, s => Assert.Equal(traceId, s.TraceId));
        Assert.All(turns.Where(s => (string?)s.GetTagItem("reev.grain.type") != "recovery"), s => Assert.Equal(a.SiloId, s.GetTagItem("reev.silo")));
        Assert.All(turns.Where(s => (string?)s.GetTagItem("reev.grain.type") == "recovery"), s => Assert.Equal(b.SiloId, s.GetTagItem("reev.silo")));
        Assert.Contains(recorder.Spans, s => s.OperationName == "run step" && s.TraceId == traceId); // the flow library's span joins the trace
    }
}
