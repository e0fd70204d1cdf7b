using System.Text.Json;

namespace Reev.Cluster.Cli.Tests;

/// <summary>The outcome of one in-process CLI invocation.</summary>
public sealed record CliRun(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Runs <c>reev</c> in process with captured stdout and stderr, bounded by <paramref name="timeout"/> (then cancelled like Ctrl+C).</summary>
    public static async Task<CliRun> InvokeAsync(string[] args, TimeSpan? timeout = null, TextWriter? stdout = null, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(90));
        var output = stdout ?? new StringWriter();
        using var error = new StringWriter();
        var code = await CliProgram.RunAsync(args, output, error, limit.Token);
        return new CliRun(args, code, output.ToString() ?? string.Empty, error.ToString());
    }

    /// <summary>Stdout as the single JSON object it must be.</summary>
    public JsonElement Json()
    {
        try
        {
            using var document = JsonDocument.Parse(Stdout);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"stdout of `reev {string.Join(' ', Args)}` is not one JSON object ({ex.Message}).\n{this}");
        }
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
