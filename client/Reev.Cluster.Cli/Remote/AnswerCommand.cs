using System.CommandLine;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// <c>reev answer &lt;execution id&gt; &lt;retry|skip|abort|alternate&gt; --gateway URL</c>: answers an execution that awaits
/// its user (exit 0 once accepted; not awaiting an answer is <c>not_awaiting_user</c>, exit 2).
/// </summary>
internal static class AnswerCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var id = new Argument<string>("execution-id") { Description = "The execution awaiting an answer." };
        var answer = new Argument<string>("answer") { Description = "retry, skip, abort or alternate (one the question offers)." };
        answer.AcceptOnlyFromAmong("retry", "skip", "abort", "alternate");
        var command = new Command("answer", "Answer an execution waiting for its user (needs --gateway).") { id, answer };
        RemoteCommand.SetExecutionAction(command, cli, id, async call =>
        {
            var (context, connection, executionId, _, cancellationToken) = call;
            var choice = call.Parse.GetRequiredValue(answer);
            var answered = await connection.Client.AnswerAsync(executionId, choice, cancellationToken).ConfigureAwait(false);
            if (!answered.IsSuccess)
            {
                return call.Fail(answered.Problem!);
            }

            if (context.Json)
            {
                CliJson.WriteObject(context.Output, w =>
                {
                    w.WriteString("execution_id", executionId);
                    w.WriteString("answer", choice);
                    w.WriteString("status", "answered");
                });
            }
            else
            {
                context.Output.WriteLine($"answered {choice} to execution {executionId}");
            }

            return ExitCodes.Passed;
        });
        return command;
    }
}
