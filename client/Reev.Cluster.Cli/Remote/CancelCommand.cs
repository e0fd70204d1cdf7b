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
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            var context = owned.Context;
            var executionId = parse.GetRequiredValue(id);
            return await RemoteCommand.RunAsync(context, async connection =>
            {
                var cancel = await connection.Client.CancelAsync(executionId, parse.GetValue(reason) ?? "cancelled with reev cancel", cancellationToken).ConfigureAwait(false);
                if (!cancel.IsSuccess)
                {
                    return context.Fail(RemoteErrors.FromProblem(cancel.Problem!, connection, $"execution {executionId}"));
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
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
