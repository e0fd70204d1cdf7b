using System.CommandLine;
using Reev.Cluster.Cli.CommandLine;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// <c>reev watch &lt;execution id&gt; --gateway URL [--json]</c>: an execution's events live from its SSE stream (all of
/// them, from the first), ending at <c>final</c>, then its result; the exit code is its outcome (0 passed, 1 not
/// passed, 130 cancelled). Ctrl+C stops watching and leaves the execution running.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var id = new Argument<string>("execution-id") { Description = "The execution to follow." };
        var command = new Command("watch", "Follow an execution of a running cluster live until it ends (needs --gateway).") { id };
        RemoteCommand.SetExecutionAction(command, cli, id, async call =>
        {
            var (context, connection, executionId, _, cancellationToken) = call;
            // Read first: an unknown id is a clear 404 (exit 2), and an unreachable gateway fails at once instead of
            // going through the event stream's reconnect attempts.
            var read = await connection.Client.GetExecutionAsync(executionId, cancellationToken).ConfigureAwait(false);
            if (read.Value is null)
            {
                return call.Fail(read.Problem!);
            }

            return await RemoteSession.FollowAsync(context, connection, $"watch {read.Value.BenchmarkId}", executionId, null, cancelOnInterrupt: false, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
