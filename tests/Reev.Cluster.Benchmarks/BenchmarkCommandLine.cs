namespace Reev.Cluster.Benchmarks;

/// <summary>
/// The benchmark tool's subcommands and help: <c>--help</c>/<c>-h</c> print the usage asked for on stdout (exit 0);
/// no or an unknown subcommand prints the overview of all of them on stderr (exit 2).
/// </summary>
internal static class BenchmarkCommandLine
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/Reev.Cluster.Benchmarks -- <subcommand> [options]
          runtime   the virtual-actor runtime: one-way messages and asks, in memory and on PostgreSQL, 1 and 3 silos
          flows     flows as grains end to end: N flows of S steps, at most C in flight, on one silo
          gateway   the API gateway: POST-to-202 latency of a burst or of a paced load
          prepare   flow preparation alone (placeholders, token accounts, initial ledger): time and bytes per flow
          plan      prompt planning alone, as the gateway plans a POST: time and bytes per plan
        <subcommand> --help lists its options.
        """;

    /// <summary>
    /// The exit code when <paramref name="args"/> ask for help or name no known subcommand (the usage is written),
    /// else null: the subcommand runs.
    /// </summary>
    public static int? Answer(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0)
        {
            error.WriteLine(Usage);
            return 2;
        }

        if (IsHelp(args[0]) || args[0] == "help")
        {
            output.WriteLine(Usage);
            return 0;
        }

        if (UsageOf(args[0]) is not { } usage)
        {
            error.WriteLine($"error: unknown subcommand '{args[0]}'");
            error.WriteLine(Usage);
            return 2;
        }

        if (args.Skip(1).Any(IsHelp))
        {
            output.WriteLine(usage);
            return 0;
        }

        return null;
    }

    private static bool IsHelp(string arg) => arg is "--help" or "-h";

    /// <summary>An option's value as a positive whole number, or the error naming the option.</summary>
    internal static int Positive(string text, string option) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{option}: a positive whole number (got '{text}')");

    /// <summary>The usage of <paramref name="subcommand"/>, null when there is no such subcommand.</summary>
    internal static string? UsageOf(string subcommand) => subcommand switch
    {
        "runtime" => BenchOptions.Usage,
        "flows" => FlowBenchmark.Usage,
        "gateway" => GatewayBenchmark.Usage,
        "prepare" => PrepareBenchmark.Usage,
        "plan" => PlanBenchmark.Usage,
        _ => null,
    };
}
