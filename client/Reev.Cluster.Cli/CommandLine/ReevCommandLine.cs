using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.Benchmarks;
using Reev.Cluster.Cli.Diagnostics;
using Reev.Cluster.Cli.Executions;
using Reev.Cluster.Cli.Planning;

namespace Reev.Cluster.Cli.CommandLine;

/// <summary>
/// The <c>reev</c> command tree (System.CommandLine): <c>run</c>, <c>exec</c>, <c>plan</c>, <c>benchmarks</c>, <c>load</c>,
/// the remote <c>status</c>, <c>watch</c>, <c>cancel</c>, <c>answer</c>, <c>executions</c>, and the global <c>--json</c>,
/// <c>--postgres</c>, <c>--gateway</c> and <c>--api-key</c>. Parse errors exit with code 2 (bad input), as JSON with <c>--json</c>.
/// </summary>
internal sealed class ReevCommandLine
{
    /// <summary>The gateway URL when <c>--gateway</c> is not given.</summary>
    public const string GatewayVariable = "REEV_GATEWAY";

    /// <summary>The API key when <c>--api-key</c> is not given.</summary>
    public const string ApiKeyVariable = "REEV_API_KEY";

    private readonly TextWriter _output;
    private readonly TextWriter _error;

    public ReevCommandLine(TextWriter output, TextWriter error)
    {
        _output = output;
        _error = error;
        Root = new RootCommand("reev: runs DeFi agent flows as durable grains, on an embedded silo (in memory), a PostgreSQL cluster (--postgres) or a running cluster through its API gateway (--gateway).")
        {
            Json,
            Postgres,
            Gateway,
            ApiKey,
            RunCommand.Create(this),
            ExecCommand.Create(this),
            PlanCommand.Create(this),
            BenchmarksCommand.Create(this),
            Load.LoadCommand.Create(this),
            Remote.StatusCommand.Create(this),
            Remote.WatchCommand.Create(this),
            Remote.CancelCommand.Create(this),
            Remote.AnswerCommand.Create(this),
            Remote.ExecutionsCommand.Create(this),
        };
    }

    public RootCommand Root { get; }

    /// <summary>One JSON object on stdout, nothing else there (logs stay on stderr).</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Print one JSON object on stdout and nothing else.", Recursive = true };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "Run on a PostgreSQL cluster (connection string) instead of the embedded in-memory provider.",
        HelpName = "connection string",
        Recursive = true,
    };

    public Option<string?> Gateway { get; } = new("--gateway")
    {
        Description = "Drive a running cluster through its API gateway (URL; default $REEV_GATEWAY) instead of a silo in this process.",
        HelpName = "url",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "API key for --gateway (default $REEV_API_KEY; not needed for a gateway open on loopback).",
        HelpName = "key",
        Recursive = true,
    };

    /// <summary>The atomic mode option, shared by <c>run</c> and <c>exec</c>.</summary>
    public static Option<string> AtomicOption()
    {
        var option = new Option<string>("--atomic")
        {
            Description = "How step failures decide the flow: strict, conditional (default) or lenient.",
            DefaultValueFactory = static _ => "conditional",
        };
        option.AcceptOnlyFromAmong("strict", "conditional", "lenient");
        return option;
    }

    public async Task<int> InvokeAsync(string[] args, CancellationToken cancellationToken)
    {
        var parse = Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            using var context = CreateContext(parse);
            return context.Context.Fail(new CliError(
                "invalid_arguments",
                ParseErrors.Describe(parse.Errors) + (context.Context.Json ? string.Empty : " (see reev --help)")));
        }

        var configuration = new InvocationConfiguration
        {
            Output = _output,
            Error = _error,
            // The host (Program.Main or a test) owns Ctrl+C and passes it in as the cancellation token.
            ProcessTerminationTimeout = null,
            EnableDefaultExceptionHandler = false,
        };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The context of one invocation; dispose it to flush and release the loggers.</summary>
    public OwnedContext CreateContext(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var json = parse.GetValue(Json);
        var loggerFactory = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Warning)
            .AddProvider(new TextWriterLoggerProvider(_error, LogLevel.Warning)));
        var postgres = parse.GetValue(Postgres);
        // An explicit --postgres wins over a gateway from the environment; both given explicitly is refused later.
        var gateway = parse.GetValue(Gateway) ?? (postgres is null ? Environment(GatewayVariable) : null);
        var apiKey = parse.GetValue(ApiKey) ?? Environment(ApiKeyVariable);
        return new OwnedContext(new CliContext(_output, _error, json, postgres, loggerFactory, TimeProvider.System, gateway, apiKey), loggerFactory);
    }

    private static string? Environment(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;

    /// <summary>A <see cref="CliContext"/> with the logger factory it owns.</summary>
    internal sealed class OwnedContext(CliContext context, ILoggerFactory loggerFactory) : IDisposable
    {
        public CliContext Context { get; } = context;

        public void Dispose() => loggerFactory.Dispose();
    }
}
