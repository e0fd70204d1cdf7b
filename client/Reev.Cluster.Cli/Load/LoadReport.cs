using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Reev.Cluster.Cli.Output;

namespace Reev.Cluster.Cli.Load;

/// <summary>The result of a load run as the documented JSON object and as a self-contained HTML report (inline SVG, no scripts).</summary>
internal static class LoadReport
{
    public static void WriteJson(TextWriter output, LoadResult r) => CliJson.WriteObject(output, w =>
    {
        w.WriteNumber("flows", r.Flows);
        w.WriteNumber("steps_per_flow", r.StepsPerFlow);
        w.WriteNumber("seconds", Math.Round(r.Seconds, 3));
        w.WriteNumber("flows_per_s", Math.Round(r.FlowsPerSecond, 1));
        w.WriteNumber("steps_per_s", Math.Round(r.StepsPerSecond, 1));
        Pair(w, "start_latency_ms", r.StartP50, r.StartP99);
        Pair(w, "completion_latency_ms", r.CompletionP50, r.CompletionP99);
        w.WriteNumber("failed", r.Failed);
        w.WriteNumber("lost", r.Lost);
        w.WriteNumber("duplicate_steps", r.DuplicateSteps);
        w.WriteNumber("silos", r.Silos);
        w.WriteNumber("silos_killed", r.SilosKilled);
        w.WriteNumber("silos_paused", r.SilosPaused);
    });

    public static async Task WriteHtmlAsync(string path, LoadResult r, LoadSettings s, CancellationToken cancellationToken)
    {
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>reev load</title>")
            .Append("<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 10px;text-align:right}</style></head><body>");
        html.Append(CultureInfo.InvariantCulture, $"<h1>reev load: {r.Flows} flows x {r.StepsPerFlow} {WebUtility.HtmlEncode(s.Agent)} steps</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p>{r.Silos} silo(s) on {(s.Postgres is null ? "the in-memory provider" : "PostgreSQL")}, concurrency {s.Concurrency}, {r.SilosKilled} killed and {r.SilosPaused} paused mid-run.</p>");
        html.Append("<table><tr><th>seconds</th><th>flows/s</th><th>steps/s</th><th>failed</th><th>lost</th><th>duplicate steps</th></tr>");
        html.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.Seconds:0.00}</td><td>{r.FlowsPerSecond:0.0}</td><td>{r.StepsPerSecond:0.0}</td><td>{r.Failed}</td><td>{r.Lost}</td><td>{r.DuplicateSteps}</td></tr></table>");
        html.Append("<h2>Completed flows over time</h2>").Append(Timeline(r));
        html.Append("<h2>Latency percentiles (ms)</h2>").Append(Bars(r));
        html.Append("</body></html>");
        await File.WriteAllTextAsync(path, html.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private static void Pair(Utf8JsonWriter w, string name, double p50, double p99)
    {
        w.WriteStartObject(name);
        w.WriteNumber("p50", Math.Round(p50, 2));
        w.WriteNumber("p99", Math.Round(p99, 2));
        w.WriteEndObject();
    }

    private static string Timeline(LoadResult r)
    {
        const int width = 640, height = 240;
        var maxT = Math.Max(0.001, r.Timeline.Count == 0 ? 1 : r.Timeline[^1].AtSeconds);
        var points = string.Join(' ', r.Timeline.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{40 + (p.AtSeconds / maxT * (width - 50)):0.#},{height - 20 - ((double)p.Completed / Math.Max(1, r.Flows) * (height - 40)):0.#}")));
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="completed flows over time">
            <line x1="40" y1="{height - 20}" x2="{width - 10}" y2="{height - 20}" stroke="#888"/><line x1="40" y1="20" x2="40" y2="{height - 20}" stroke="#888"/>
            <text x="45" y="15" font-size="11">{r.Flows} flows</text><text x="{width - 60}" y="{height - 5}" font-size="11">{maxT:0.0} s</text>
            <polyline fill="none" stroke="#2a6fdb" stroke-width="2" points="{points}"/></svg>
            """);
    }

    private static string Bars(LoadResult r)
    {
        var values = new (string Name, double Value)[] { ("start p50", r.StartP50), ("start p99", r.StartP99), ("completion p50", r.CompletionP50), ("completion p99", r.CompletionP99) };
        var max = Math.Max(1, values.Max(static v => v.Value));
        var svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"130\" role=\"img\" aria-label=\"latency percentiles\">");
        for (var i = 0; i < values.Length; i++)
        {
            var w = values[i].Value / max * 440;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{(i * 30) + 20}\" font-size=\"12\">{values[i].Name}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"110\" y=\"{(i * 30) + 8}\" width=\"{w:0.#}\" height=\"16\" fill=\"#2a6fdb\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{115 + w:0.#}\" y=\"{(i * 30) + 20}\" font-size=\"12\">{values[i].Value:0.#} ms</text>");
        }

        return svg.Append("</svg>").ToString();
    }
}
