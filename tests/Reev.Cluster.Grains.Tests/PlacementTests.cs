using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>A flow's step and consolidation grains are placed with its execution (ADR 0015): a flow runs on one silo.</summary>
public sealed class PlacementTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("e-1:1", "e-1")]
    [InlineData("e-1:12:alt3", "e-1")]
    [InlineData("a:b:3", "a:b")]
    [InlineData("a:b:3:alt10", "a:b")]
    [InlineData("a:7:alt1:2", "a:7:alt1")]
    [InlineData("plain", "plain")]
    [InlineData("e:x", "e:x")]
    [InlineData("e:alt1", "e:alt1")]
    [InlineData("e:1:altx", "e:1:altx")]
    [InlineData(":5", ":5")]
    public void The_execution_of_a_step_key_is_read_from_its_end(string stepKey, string execution) =>
        Assert.Equal(execution, StepKeys.ExecutionOf(stepKey));

    [Fact]
    public async Task Steps_alternates_and_the_consolidation_belong_to_the_silo_of_their_execution()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, silos: 2);
        await host.Cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        var ids = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"run:{i}:{Guid.NewGuid():N}"[..24] : $"exec-{i}-{Guid.NewGuid():N}"[..24]).ToList();
        foreach (var silo in host.Cluster.Silos)
        {
            foreach (var id in ids)
            {
                var owns = silo.Owns<IExecutionGrain>(id);
                Assert.Equal(owns, silo.Owns<IConsolidationGrain>(id));
                Assert.Equal(owns, silo.Owns<IStepGrain>(StepKeys.For(id, 1)));
                Assert.Equal(owns, silo.Owns<IStepGrain>(StepKeys.For(id, 12, 3)));
            }
        }

        Assert.Equal(2, ids.Select(id => host.Cluster.Silos.Single(s => s.Owns<IExecutionGrain>(id)).SiloId).Distinct().Count());
    }

    [Fact]
    public async Task Flows_on_three_silos_send_nothing_across_silos()
    {
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, silos: 3);
        await host.Cluster.WaitForBalanceAsync(TimeSpan.FromSeconds(60));
        using var sent = new SentMessages(host.Cluster.Silos.Select(s => s.SiloId));

        var views = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => host.RunAsync(Flows.Request(Flows.Benchmark("200-jup-swap-then-lend-deposit")))));

        Assert.All(views, v => Assert.Equal(ExecutionStatus.Completed, v.Status));
        Assert.True(views.Select(v => host.Cluster.Silos.Single(s => s.Owns<IExecutionGrain>(v.ExecutionId)).SiloId).Distinct().Count() > 1,
            "the flows' executions are spread over more than one silo");
        // Per 2-step flow: 2 step commands, 2 reports, the consolidation's command, its own follow-up and its report.
        Assert.Equal((12L * 7, 0L), sent.Counts);
    }
}
