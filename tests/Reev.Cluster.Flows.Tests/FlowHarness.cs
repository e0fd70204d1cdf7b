using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Scoring;

namespace Reev.Cluster.Flows.Tests;

/// <summary>Runs reference files and reads balances of a report by placeholder.</summary>
internal static class FlowHarness
{
    public static async Task<FlowRunReport> RunAsync(string id, FlowRunOptions? options = null, AgentRegistry? agents = null)
    {
        var document = BenchmarkFiles.Load(id);
        var runner = new FlowRunner(new StepRunner(agents ?? AgentRegistry.CreateDefault()));
        var result = await runner.RunAsync(document, options ?? FlowRunOptions.Default, CancellationToken.None);
        Assert.True(result.IsSuccess, $"{id}: preparation failed: {result.Error}");
        return result.Report!;
    }

    public static ulong Lamports(FlowRunReport report, string placeholder) =>
        report.FinalLedger.LamportsOf(report.KeyMap.Resolve(placeholder));

    public static ulong? TokenAmount(FlowRunReport report, string account) =>
        report.FinalLedger.Find(account)?.Token?.Amount;

    public static ulong TokenOf(FlowRunReport report, string ownerPlaceholder, string mint) =>
        report.FinalLedger.Find(AssociatedTokenAddress.Derive(report.KeyMap.Resolve(ownerPlaceholder), mint))?.Token?.Amount ?? 0;

    public static string Describe(FlowRunReport report) =>
        string.Join(" | ", report.Steps.Select(s => $"step {s.StepIndex} {s.Status} {s.Error?.Kind}:{s.Error?.Message} calls=[{string.Join(",", s.ToolCalls.Select(c => c.ToolName + (c.Success ? "" : "!")))}] text={s.AgentText}"))
        + " || assertions: " + string.Join("; ", report.Score.Assertions.Results.Select(Describe));

    private static string Describe(AssertionResult r) => $"#{r.Index} {r.Type} {r.Target} held={r.Held} {r.Detail}";
}
