using System.CommandLine;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Cli.Load;

/// <summary>
/// <c>reev load</c>: runs many flows at once and verifies that every one finished and no step ran twice,
/// optionally killing a silo mid-run. With <c>--gateway</c> it drives a running cluster through its API gateway
/// (<see cref="GatewayLoadRunner"/>). On PostgreSQL the silos are child processes of the silo host (a kill is a
/// SIGKILL) and the load drives them through a cluster client; <c>--in-process</c> runs them in this process instead.
/// </summary>
internal static class LoadCommand
{
    /// <summary>The longest run a load waits for (a day): beyond what a timer takes, and beyond any load test.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>The agents a load runs: no model behind them, so thousands of steps cost only the cluster's work.</summary>
    public static readonly IReadOnlyList<string> Agents = [NoopAgent.AgentName, DeterministicAgent.AgentName];

    public static Command Create(ReevCommandLine cli)
    {
        var flows = new Option<int>("--flows") { Description = "Flows to run.", DefaultValueFactory = static _ => 100 };
        var concurrency = new Option<int>("--concurrency") { Description = "Flows in flight at most.", DefaultValueFactory = static _ => 50 };
        var steps = new Option<int>("--steps") { Description = "Steps per flow.", DefaultValueFactory = static _ => 3 };
        var agent = new Option<string>("--agent") { Description = "noop (overhead only) or deterministic.", DefaultValueFactory = static _ => NoopAgent.AgentName };
        var silos = new Option<int>("--silos") { Description = "Silos to start (with --postgres).", DefaultValueFactory = static _ => 1 };
        var kill = new Option<string?>("--kill-silo-after") { Description = "Kill one silo abruptly this many seconds into the run, or before the flow at this share of the run starts (30%) (needs --silos 2 or more).", HelpName = "seconds|share%" };
        var report = new Option<string?>("--report") { Description = "Write an HTML report (charts as inline SVG) to this file.", HelpName = "file.html" };
        var timeout = new Option<int>("--timeout") { Description = "Give up after this many seconds.", DefaultValueFactory = static _ => 600 };
        var inProcess = new Option<bool>("--in-process") { Description = "With --postgres: run the silos in this process instead of as silo processes." };
        var pause = new Option<string?>("--pause-silo-after") { Description = "Freeze one silo process (SIGSTOP) this many seconds into the run, or before the flow at this share of the run starts (30%) (needs --postgres and --silos 2 or more).", HelpName = "seconds|share%" };
        var pauseFor = new Option<double>("--pause-for") { Description = "How long the paused silo stays frozen before SIGCONT (longer than its 5 s lease, its partitions move).", HelpName = "seconds", DefaultValueFactory = static _ => LoadSettings.DefaultPauseForSeconds };
        var command = new Command("load", "Run many flows at once and verify that none is lost and no step runs twice.")
        {
            flows, concurrency, steps, agent, silos, kill, report, timeout, inProcess, pause, pauseFor,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            var context = owned.Context;
            // Checked here rather than by the parser: an agent load does not run is the same error as run's unknown agent.
            var agentName = (parse.GetValue(agent) ?? NoopAgent.AgentName).ToLowerInvariant();
            if (!Agents.Contains(agentName, StringComparer.Ordinal))
            {
                return context.Fail(new CliError("unknown_agent", $"unknown agent '{agentName}' (known to load: {string.Join(", ", Agents)})"));
            }

            if (!TryReadPoint(parse, kill, out var killAt, out var pointError) || !TryReadPoint(parse, pause, out var pauseAt, out pointError))
            {
                return context.Fail(new CliError("invalid_arguments", pointError!));
            }

            var settings = new LoadSettings(
                parse.GetValue(flows), parse.GetValue(concurrency), parse.GetValue(steps), agentName,
                context.Postgres, parse.GetValue(silos), killAt, parse.GetValue(report), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(inProcess),
                pauseAt, parse.GetValue(pauseFor));
            if ((context.Gateway is null ? Validate(settings) : ValidateRemote(settings, parse.GetResult(silos) is { Implicit: false })) is { } problem)
            {
                return context.Fail(new CliError("invalid_arguments", problem));
            }

            return context.Gateway is null
                ? await ExecuteAsync(context, settings, cancellationToken).ConfigureAwait(false)
                : await ExecuteRemoteAsync(context, settings, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>A --kill-silo-after or --pause-silo-after value (null when not given), or the error naming the option.</summary>
    private static bool TryReadPoint(ParseResult parse, Option<string?> option, out RunPoint? point, out string? error)
    {
        point = null;
        error = null;
        if (parse.GetValue(option) is not { } text)
        {
            return true;
        }

        if (!RunPoint.TryParse(text, option.Name, out var parsed, out error))
        {
            return false;
        }

        point = parsed;
        return true;
    }

    private static string? Validate(LoadSettings s) =>
        Counts(s) ??
        (s.Steps is < 1 or > 50 ? $"--steps must be between 1 and 50, not {s.Steps}" :
        s.Silos is < 1 or > 16 ? $"--silos must be between 1 and 16, not {s.Silos}" :
        s.Silos > 1 && s.Postgres is null ? "--silos above 1 needs --postgres (the in-memory provider runs one silo)" :
        s.KillSiloAt is not null && s.Silos < 2 ? "--kill-silo-after needs --silos 2 or more (one to kill, one to take over)" :
        PauseProblem(s)) ??
        TimeoutAndReport(s);

    /// <summary>A pause freezes a silo process: PostgreSQL, processes (not --in-process), and another silo to take over.</summary>
    private static string? PauseProblem(LoadSettings s) =>
        s.PauseSiloAt is null ? null :
        s.Postgres is null || s.InProcess || s.Silos < 2 ? "--pause-silo-after freezes a silo process: it needs --postgres, --silos 2 or more, and no --in-process" :
        s.KillSiloAt is not null && s.Silos < 3 ? "--pause-silo-after with --kill-silo-after needs --silos 3 or more (one to kill, one to pause, one to take over)" :
        s.PauseForSeconds is <= 0 or > 600 || double.IsNaN(s.PauseForSeconds) ? $"--pause-for must be more than 0 and at most 600 seconds, not {s.PauseForSeconds}" :
        null;

    /// <summary>The checks every load shares, local or through a gateway: first the counts...</summary>
    private static string? Counts(LoadSettings s) =>
        s.Flows < 1 ? $"--flows must be at least 1, not {s.Flows}" :
        s.Concurrency < 1 ? $"--concurrency must be at least 1, not {s.Concurrency}" :
        null;

    /// <summary>...and last the time limit and the report.</summary>
    private static string? TimeoutAndReport(LoadSettings s) =>
        s.Timeout <= TimeSpan.Zero || s.Timeout > MaxTimeout ? $"--timeout must be from 1 to {MaxTimeout.TotalSeconds:0} seconds, not {s.Timeout.TotalSeconds:0}" :
        ReportProblem(s.ReportPath);

    /// <summary>Checked before the run: a report that cannot be written must not cost a whole run's results.</summary>
    private static string? ReportProblem(string? report)
    {
        if (report is null)
        {
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(report);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"--report: '{report}' is not a usable file path ({ex.Message})";
        }

        if (Directory.Exists(full))
        {
            return $"--report: '{report}' is a folder; give a file name such as load.html";
        }

        return Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder) ? $"--report: the folder '{folder}' does not exist" : null;
    }

    private static string? ValidateRemote(LoadSettings s, bool silosGiven) =>
        Counts(s) ??
        (s.Steps is < GatewayLoadRunner.MinSteps or > GatewayLoadRunner.MaxSteps ? $"--steps must be between {GatewayLoadRunner.MinSteps} and {GatewayLoadRunner.MaxSteps} with --gateway (a prompt plans a leading balance check plus one step per clause), not {s.Steps}" :
        silosGiven || s.KillSiloAt is not null || s.PauseSiloAt is not null || s.InProcess ? "--silos, --kill-silo-after, --pause-silo-after and --in-process start silos; with --gateway the load drives the gateway's running cluster" :
        null) ??
        TimeoutAndReport(s);

    private static Task<int> ExecuteRemoteAsync(CliContext cli, LoadSettings settings, CancellationToken cancellationToken) =>
        Remote.RemoteCommand.RunAsync(cli, async connection =>
        {
            var last = -1;
            var (result, refused) = await GatewayLoadRunner.RunAsync(connection, settings, (done, total) =>
            {
                if (!cli.Json && done * 10 / total is var tenth && Interlocked.Exchange(ref last, tenth) != tenth)
                {
                    cli.Error.WriteLine($"reev load: {done}/{total} flows finished");
                }
            }, cancellationToken).ConfigureAwait(false);
            return refused is not null
                ? cli.Fail(Remote.RemoteErrors.FromProblem(refused, connection, "execute-direct"))
                : await ReportAsync(cli, result!, settings, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    private static async Task<int> ExecuteAsync(CliContext cli, LoadSettings settings, CancellationToken cancellationToken)
    {
        LoadCluster cluster;
        try
        {
            if (settings.Postgres is { } checkedFirst)
            {
                // A connection string that cannot work is the caller's error (exit 2), found before any silo process
                // starts, not a silo's exit reported as an unavailable cluster.
                _ = new Runtime.Postgres.PostgresClusterProvider(checkedFirst);
            }

            cluster = settings.Postgres is { } postgres && !settings.InProcess
                ? await LoadCluster.StartProcessesAsync(postgres, settings.Silos, cli.LoggerFactory, cancellationToken).ConfigureAwait(false)
                : await LoadCluster.StartAsync(settings.Postgres, settings.Silos, cli.LoggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (ClusterConfigurationException ex)
        {
            return cli.Fail(new CliError("invalid_postgres", ex.Message));
        }
        catch (Exception ex) when (ex is ReevClusterException or System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException or FileNotFoundException)
        {
            return cli.Fail(new CliError("cluster_unavailable", $"the silos could not start: {ex.Message}", ExitCodes.ClusterError));
        }

        LoadResult result;
        await using (cluster.ConfigureAwait(false))
        {
            var last = -1;
            result = await LoadRunner.RunAsync(cluster, settings, (done, total) =>
            {
                if (!cli.Json && done * 10 / total != last)
                {
                    last = done * 10 / total;
                    cli.Error.WriteLine($"reev load: {done}/{total} flows finished");
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        return await ReportAsync(cli, result, settings, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> ReportAsync(CliContext cli, LoadResult result, LoadSettings settings, CancellationToken cancellationToken)
    {
        if (settings.ReportPath is { } path)
        {
            await LoadReport.WriteHtmlAsync(path, result, settings, cancellationToken).ConfigureAwait(false);
        }

        if (cli.Json)
        {
            LoadReport.WriteJson(cli.Output, result);
        }
        else
        {
            cli.Output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{result.Flows} flows x {result.StepsPerFlow} steps in {result.Seconds:0.00} s: {result.FlowsPerSecond:0.0} flows/s, {result.StepsPerSecond:0.0} steps/s; start p50 {result.StartP50:0.0} ms p99 {result.StartP99:0.0} ms; completion p50 {result.CompletionP50:0} ms p99 {result.CompletionP99:0} ms; failed {result.Failed}, lost {result.Lost}, duplicate steps {result.DuplicateSteps}, silos {result.Silos} ({result.SilosKilled} killed, {result.SilosPaused} paused)"));
        }

        // A kill or pause asked for at a time the run never reached did not test what was asked: not a pass.
        var missed = Missed(settings.KillSiloAt, result.SilosKilled, "--kill-silo-after", "killed", result.Seconds)
            ?? Missed(settings.PauseSiloAt, result.SilosPaused, "--pause-silo-after", "paused", result.Seconds);
        if (missed is not null)
        {
            cli.Error.WriteLine($"reev load: {missed}");
        }

        return result.Lost == 0 && result.DuplicateSteps == 0 && result.Failed == 0 && missed is null ? ExitCodes.Passed : ExitCodes.Failed;
    }

    private static string? Missed(RunPoint? point, int done, string option, string verb, double seconds) =>
        point is { Seconds: not null } && done == 0
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"the run ended after {seconds:0.00} s, before {option} {point}: no silo was {verb}. Give it as a share of the flows (e.g. {option} 30%) to hit a silo mid-run whatever the machine's speed.")
            : null;
}
