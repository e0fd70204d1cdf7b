using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>Every reference benchmark, run through the grains, gives what the flow library gives in process.</summary>
public abstract class BenchmarkParityTests(Provider provider, ITestOutputHelper output)
{
    public static TheoryData<string> Benchmarks() =>
    [
        "001-sol-transfer", "002-spl-transfer", "003-spl-transfer-fail", "004-partial-score-spl-transfer",
        "100-jup-swap-sol-usdc", "110-jup-lend-deposit-sol", "111-jup-lend-deposit-usdc", "112-jup-lend-withdraw-sol",
        "113-jup-lend-withdraw-usdc", "114-jup-positions-and-earnings", "115-jup-lend-mint-usdc", "116-jup-lend-redeem-usdc",
        "200-jup-swap-then-lend-deposit",
    ];

    [Theory]
    [MemberData(nameof(Benchmarks))]
    public async Task Grains_give_the_same_scores_and_balances_as_the_flow_library(string benchmark)
    {
        var document = Flows.Benchmark(benchmark);
        var direct = await new FlowRunner(new StepRunner(AgentRegistry.CreateDefault()))
            .RunAsync(document, new FlowRunOptions(Seed: 7), default);
        Assert.True(direct.IsSuccess, direct.Error?.ToString());
        var expected = direct.Report!;
        // In memory the states' copies are checked against their JSON at every commit (ADR 0016).
        await using var host = await GrainHost.StartAsync(provider, output, configure: o => o.VerifyJson = true, purpose: benchmark);

        var view = await host.RunAsync(Flows.Request(document, AtomicMode.Conditional));

        Assert.NotNull(view.Score);
        Assert.Equal(expected.Score.FlowScore, view.Score.FlowScore, 6);
        Assert.Equal(expected.Score.FinalScore, view.Score.Final, 6);
        Assert.Equal(expected.Score.Assertions.Score, view.Score.Assertion, 6);
        Assert.Equal(expected.Score.Passed, view.Passed);
        Assert.Equal(expected.Steps.Count, view.Steps.Count(s => s.Status is not StepRunStatus.Skipped));
        foreach (var balance in expected.Balances)
        {
            var account = Assert.Single(view.Accounts, a => a.Placeholder == balance.Placeholder);
            Assert.Equal(balance.Address, account.Address);
            Assert.Equal(balance.FinalLamports, account.Lamports);
            Assert.Equal(balance.FinalTokenAmount, account.Amount);
        }

        Assert.Equal(ConsolidationStatus.Completed, view.Consolidation?.Status);
        Assert.Equal(expected.Steps.All(s => s.Succeeded) ? ExecutionStatus.Completed : ExecutionStatus.Failed, view.Status);
    }
}

public sealed class InMemoryBenchmarkParityTests(ITestOutputHelper output) : BenchmarkParityTests(Provider.InMemory, output);

public sealed class PostgresBenchmarkParityTests(ITestOutputHelper output) : BenchmarkParityTests(Provider.Postgres, output);
