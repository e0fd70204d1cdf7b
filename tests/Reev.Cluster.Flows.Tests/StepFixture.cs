using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Running;

namespace Reev.Cluster.Flows.Tests;

/// <summary>A prepared reference file and step requests against it.</summary>
internal sealed class StepFixture
{
    private StepFixture(PreparedFlow flow) => Flow = flow;

    public PreparedFlow Flow { get; }

    public FlowDocument Document => Flow.Document;

    public string Wallet => Flow.KeyMap.Resolve("USER_WALLET_PUBKEY");

    public static StepFixture Prepare(string id, int seed = 7)
    {
        var prepared = FlowPreparation.Prepare(BenchmarkFiles.Load(id), seed);
        Assert.True(prepared.IsSuccess, $"{id}: {prepared.Error}");
        return new StepFixture(prepared.Flow!);
    }

    public StepRequest Request(string agent = DeterministicAgent.AgentName, string? prompt = null, string? faults = null, int attempt = 1) =>
        new(Document, 1, Flow.KeyMap, Flow.InitialLedger, agent, faults, Flow.Seed, attempt, prompt);

    public static StepRunner Runner(params IFlowAgent[] extra) =>
        new(new AgentRegistry([new DeterministicAgent(), new NoopAgent(), .. extra]));
}
