using System.CommandLine;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// <c>reev cancel &lt;execution id&gt; [--reason text] --gateway URL</c>: asks the cluster to cancel a running execution
/// (exit 0 once accepted; an execution that already finished is refused with <c>already_finished</c>, exit 2).
/// </summary>
internal static class CancelCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var id = new Argument<string>("execution-id") { Description = "The execution to cancel." };
        var reason = new Option<string?>("--reason") { Description = "Why (recorded with the cancellation).", HelpName = "text" };
        var command = new Command("cancel", "Cancel a running execution of a running cluster (needs --gateway).") { id, reason };
        RemoteCommand.SetExecutionAction(command, cli, id, async call =>
        {
            var (context, connection, executionId, _, cancellationToken) = call;
            var cancel = await connection.Client.CancelAsync(executionId, call.Parse.GetValue(reason) ?? "cancelled with reev cancel", cancellationToken).ConfigureAwait(false);
            if (!cancel.IsSuccess)
            {
                return call.Fail(cancel.Problem!);
            }

            if (context.Json)
            {
                CliJson.WriteObject(context.Output, w =>
                {
                    w.WriteString("execution_id", executionId);
                    w.WriteString("status", "cancelling");
                });
            }
            else
            {
                context.Output.WriteLine($"cancelling execution {executionId} (follow it with: reev watch {executionId})");
            }

            return ExitCodes.Passed;
        });
        return command;
    }
}
