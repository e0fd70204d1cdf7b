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
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            var context = owned.Context;
            var executionId = parse.GetRequiredValue(id);
            var choice = parse.GetRequiredValue(answer);
            return await RemoteCommand.RunAsync(context, async connection =>
            {
                var answered = await connection.Client.AnswerAsync(executionId, choice, cancellationToken).ConfigureAwait(false);
                if (!answered.IsSuccess)
                {
                    return context.Fail(RemoteErrors.FromProblem(answered.Problem!, connection, $"execution {executionId}"));
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
            }, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
