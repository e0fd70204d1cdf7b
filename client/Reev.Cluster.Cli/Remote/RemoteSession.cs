using System.Globalization;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Executions;
using Reev.Cluster.Client.Gateway;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// An execution accepted by the gateway, followed like a local one: progress lines from its event stream, then the
/// same tables (or JSON) and exit codes. Ctrl+C cancels it on the cluster when the CLI started it (run, exec);
/// <c>watch</c> only stops watching.
/// </summary>
internal static class RemoteSession
{
    private const string InterruptReason = "interrupted by the user (Ctrl+C)";

    /// <summary>How long a cancelled execution is given to reach its final state before the CLI gives up.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(10);

    public static async Task<int> FollowAsync(CliContext cli, GatewayConnection connection, string title, string executionId, string? prompt, bool cancelOnInterrupt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(connection);
        var console = new ExecutionConsole(cli.Console);
        if (!cli.Json)
        {
            // Plain lines (never wrapped): the URL and the id are what a user copies.
            cli.Output.WriteLine($"{title} · gateway {connection.BaseAddress}");
            cli.Output.WriteLine($"execution {executionId}");
        }

        GatewayResponse<GatewayExecution> final;
        var interrupted = false;
        try
        {
            final = await RemoteFollower.FollowAsync(connection, executionId, e =>
            {
                if (!cli.Json)
                {
                    console.Event(RemoteView.From(e));
                }
            }, cli.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && cancelOnInterrupt)
        {
            interrupted = true;
            final = await CancelAsync(cli, connection, executionId).ConfigureAwait(false);
        }

        if (final.Value is not { } execution)
        {
            return cli.Fail(RemoteErrors.FromProblem(final.Problem!, connection, $"execution {executionId}"));
        }

        return Report(cli, RemoteView.From(execution), prompt, interrupted);
    }

    /// <summary>Prints a final (or current) execution as the local run does and maps it to the exit code.</summary>
    public static int Report(CliContext cli, ExecutionView view, string? prompt, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(view);
        if (cli.Json)
        {
            ExecutionJson.Write(cli.Output, view, prompt);
        }
        else
        {
            new ExecutionConsole(cli.Console).Summary(view, interrupted);
        }

        return interrupted || view.Status == ExecutionStatus.Cancelled ? ExitCodes.Interrupted
            : view.Passed ? ExitCodes.Passed
            : view.IsFinal ? ExitCodes.Failed
            : ExitCodes.ClusterError;
    }

    private static async Task<GatewayResponse<GatewayExecution>> CancelAsync(CliContext cli, GatewayConnection connection, string executionId)
    {
        using var wait = new CancellationTokenSource(CancelWait, cli.TimeProvider);
        var cancel = await connection.Client.CancelAsync(executionId, InterruptReason, wait.Token).ConfigureAwait(false);
        if (cancel.Problem is { Status: not 409 } problem)
        {
            await cli.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"reev: cancelling {executionId} failed: {problem}")).ConfigureAwait(false);
        }

        try
        {
            return await RemoteFollower.WaitSettledAsync(connection, executionId, cli.TimeProvider, wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (wait.IsCancellationRequested)
        {
            await cli.Error.WriteLineAsync($"reev: execution {executionId} was not confirmed cancelled within {CancelWait.TotalSeconds:0} s").ConfigureAwait(false);
            using var read = new CancellationTokenSource(GatewayConnection.RequestTimeout, cli.TimeProvider);
            return await connection.Client.GetExecutionAsync(executionId, read.Token).ConfigureAwait(false);
        }
    }
}
