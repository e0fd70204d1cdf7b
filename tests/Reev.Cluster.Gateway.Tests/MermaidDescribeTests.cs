using Reev.Cluster.Flows.Serialization;
using Reev.Cluster.Flows.Tools;
using Reev.Cluster.Gateway.Diagrams;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>A tool call's arguments are stored as the agent gave them; describing one never fails on an odd type.</summary>
public sealed class MermaidDescribeTests
{
    [Theory]
    [InlineData("""{"amount":true,"recipient_pubkey":"x"}""", "sol_transfer")]
    [InlineData("""{"amount":{"value":1}}""", "sol_transfer")]
    [InlineData("""{"amount":null}""", "sol_transfer")]
    [InlineData("""{"amount":100000000}""", "sol_transfer 0.1 SOL")]
    [InlineData("""{"amount":"100000000"}""", "sol_transfer 0.1 SOL")]
    [InlineData("""not json""", "sol_transfer")]
    public void Describe_AnyArgumentTypes_NamesTheCallWithoutThrowing(string arguments, string expected)
    {
        var call = new ToolCallRecord(0, ToolNames.SolTransfer, arguments, true, null, null, 1, new EquatableArray<string>([]));

        Assert.Equal(expected, MermaidDiagram.Describe(call));
    }
}
