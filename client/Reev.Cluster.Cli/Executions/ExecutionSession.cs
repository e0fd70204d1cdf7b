using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Diagnostics;
using Reev.Cluster.Cli.Hosting;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Runtime;
using Spectre.Console;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// Runs one execution on an embedded silo: starts the silo, submits the request, follows the execution until it
/// is final (live progress, or nothing until the JSON result), cancels it on Ctrl+C, prints the result and maps it
/// to the exit code.
/// </summary>
internal static class ExecutionSession
{
    /// <summary>How long a cancelled execution is given to reach its final state before the CLI gives up.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CliContext cli, string title, string executionId, ExecutionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(request);
        var logger = cli.LoggerFactory.CreateLogger(typeof(ExecutionSession));
        var console = new ExecutionConsole(cli.Console);
        if (!cli.Json)
        {
            console.Header(title, request, executionId);
        }

        EmbeddedSilo silo;
        try
        {
            silo = await EmbeddedSilo.StartAsync(cli.Postgres, cli.LoggerFactory, cli.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (ClusterConfigurationException ex)
        {
            return cli.Fail(new CliError("invalid_postgres", ex.Message));
        }
        catch (Exception ex) when (ex is ReevClusterException or System.Data.Common.DbException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // Expected when the database is down: the error says what happened, a stack trace would not help.
            return cli.Fail(new CliError("cluster_unavailable", $"the silo could not start: {ex.Message}", ExitCodes.ClusterError));
        }

        await using (silo.ConfigureAwait(false))
        {
            var grain = silo.GrainFactory.GetGrain<IExecutionGrain>(executionId);
            var follower = new ExecutionFollower(grain, cli.TimeProvider, e =>
            {
                if (!cli.Json)
                {
                    console.Event(e);
                }
            });

            ExecutionView? view;
            var interrupted = false;
            try
            {
                await grain.StartAsync(request).ConfigureAwait(false);
                view = await FollowAsync(cli, follower, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                interrupted = true;
                view = await CancelAsync(grain, follower, executionId, cli, logger).ConfigureAwait(false);
            }
            catch (ReevClusterException ex)
            {
                return cli.Fail(new CliError("cluster_error", $"execution {executionId}: {ex.Message}", ExitCodes.ClusterError));
            }

            if (view is null)
            {
                return cli.Fail(new CliError("cluster_error", $"execution {executionId} was not found after it was submitted", ExitCodes.ClusterError));
            }

            if (cli.Json)
            {
                ExecutionJson.Write(cli.Output, view, request.OriginalPrompt);
            }
            else
            {
                console.Summary(view, interrupted);
            }

            return interrupted || view.Status == ExecutionStatus.Cancelled ? ExitCodes.Interrupted
                : view.Passed ? ExitCodes.Passed
                : view.IsFinal ? ExitCodes.Failed
                : ExitCodes.ClusterError;
        }
    }

    private static async Task<ExecutionView> FollowAsync(CliContext cli, ExecutionFollower follower, CancellationToken cancellationToken)
    {
        if (cli.Json || !cli.Console.Profile.Capabilities.Interactive)
        {
            return await follower.WaitFinalAsync(cancellationToken).ConfigureAwait(false);
        }

        return await cli.Console.Status()
            .Spinner(Spinner.Known.Dots)
            .StartAsync("running", _ => follower.WaitFinalAsync(cancellationToken))
            .ConfigureAwait(false);
    }

    /// <summary>Ctrl+C: the execution is cancelled (by "cli"), and its final view read once it is cancelled.</summary>
    private static async Task<ExecutionView?> CancelAsync(IExecutionGrain grain, ExecutionFollower follower, string executionId, CliContext cli, ILogger logger)
    {
        const string Reason = "interrupted by the user (Ctrl+C)";
        CliLog.Cancelling(logger, executionId, Reason);
        await grain.CancelAsync(new CancelRequest("cli", Reason)).ConfigureAwait(false);
        using var wait = new CancellationTokenSource(CancelWait, cli.TimeProvider);
        try
        {
            return await follower.WaitFinalAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            CliLog.CancelNotConfirmed(logger, executionId, CancelWait.TotalMilliseconds);
            return await follower.ReadAsync().ConfigureAwait(false);
        }
    }
}
