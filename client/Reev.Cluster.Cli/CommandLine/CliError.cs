namespace Reev.Cluster.Cli.CommandLine;

/// <summary>
/// Why a command did not run: a stable snake_case <paramref name="Code"/>, a sentence for people, and for flow file
/// errors where the problem is.
/// </summary>
internal sealed record CliError(string Code, string Reason, int ExitCode = ExitCodes.BadInput)
{
    public string? File { get; init; }

    public int? Line { get; init; }

    public int? Column { get; init; }

    public string? Field { get; init; }

    /// <summary>The offending text of a rejected prompt and its 0-based position.</summary>
    public string? Subject { get; init; }

    public int? Position { get; init; }
}
