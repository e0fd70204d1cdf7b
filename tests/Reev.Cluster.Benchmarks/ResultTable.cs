using System.Globalization;
using System.Text;

namespace Reev.Cluster.Benchmarks;

/// <summary>Formats results as a Markdown table (pasted as is into docs/PERFORMANCE.md).</summary>
internal static class ResultTable
{
    private const string Header =
        "| provider | silos | grain→grain one-way msg/s | turns/commit | client one-way msg/s | turns/commit | ask p50 ms | ask p99 ms | ask mean ms | verified |";

    public static string Render(IEnumerable<BenchResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(Header);
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            sb.AppendLine(Row(r));
        }

        return sb.ToString();
    }

    public static string Row(BenchResult r) => string.Create(CultureInfo.InvariantCulture,
        $"| {r.Provider} | {r.Silos} | {r.Relay.PerSecond:N0} | {r.Relay.TurnsPerCommit:0.0} | {r.Client.PerSecond:N0} | {r.Client.TurnsPerCommit:0.0} | {r.AskP50Ms:0.00} | {r.AskP99Ms:0.00} | {r.AskMeanMs:0.00} | {r.Verified} |");
}
