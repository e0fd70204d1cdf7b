using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.Output;
using Spectre.Console;

namespace Reev.Cluster.Cli.CommandLine;

/// <summary>What every command gets: its writers, the console over stdout, the global options and the loggers.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, bool json, string? postgres, ILoggerFactory loggerFactory, TimeProvider timeProvider, string? gateway = null, string? apiKey = null)
{
    public TextWriter Output { get; } = output;

    public TextWriter Error { get; } = error;

    /// <summary>True with <c>--json</c>: stdout gets exactly one JSON object, progress and logs go nowhere or to stderr.</summary>
    public bool Json { get; } = json;

    /// <summary>The PostgreSQL connection string of <c>--postgres</c>; null for the embedded in-memory provider.</summary>
    public string? Postgres { get; } = postgres;

    /// <summary>The API gateway's URL of <c>--gateway</c> (or <c>REEV_GATEWAY</c>); null to run on a silo of this process.</summary>
    public string? Gateway { get; } = gateway;

    /// <summary>The API key of <c>--api-key</c> (or <c>REEV_API_KEY</c>); null for a gateway open on loopback.</summary>
    public string? ApiKey { get; } = apiKey;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>Spectre.Console over stdout (plain text when stdout is not a terminal).</summary>
    public IAnsiConsole Console { get; } = CreateConsole(output);

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        // Colours, spinners and cursor moves only on a real terminal: piped or captured output stays plain text.
        var terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        return AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
    }

    /// <summary>Reports an error (the error object on stdout with <c>--json</c>, a line on stderr otherwise) and returns its exit code.</summary>
    public int Fail(CliError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (Json)
        {
            CliJson.WriteObject(Output, w =>
            {
                w.WriteStartObject("error");
                w.WriteString("code", error.Code);
                w.WriteString("reason", error.Reason);
                if (error.File is not null)
                {
                    w.WriteString("file", error.File);
                }

                if (error.Line is { } line)
                {
                    w.WriteNumber("line", line);
                }

                if (error.Column is { } column)
                {
                    w.WriteNumber("column", column);
                }

                if (error.Field is not null)
                {
                    w.WriteString("field", error.Field);
                }

                if (error.Subject is not null)
                {
                    w.WriteString("subject", error.Subject);
                }

                if (error.Position is { } position)
                {
                    w.WriteNumber("position", position);
                }

                w.WriteEndObject();
            });
        }
        else
        {
            Error.WriteLine($"reev: {error.Reason} [{error.Code}]");
            Error.Flush();
        }

        return error.ExitCode;
    }
}
