using System.CommandLine;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Client.Gateway;

namespace Reev.Cluster.Cli.Remote;

/// <summary>Runs the body of a remote command with its gateway connection, and turns transport failures into exit code 3.</summary>
internal static class RemoteCommand
{
    public static async Task<int> RunAsync(CliContext cli, Func<GatewayConnection, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cli);
        ArgumentNullException.ThrowIfNull(body);
        using var connection = GatewayConnection.Open(cli, out var error);
        if (connection is null)
        {
            return cli.Fail(error!);
        }

        try
        {
            return await body(connection).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // Ctrl+C: CliProgram reports it (exit 130)
        }
        catch (Exception ex) when (RemoteErrors.FromException(ex, connection) is { } failure)
        {
            return cli.Fail(failure);
        }
    }

    /// <summary>
    /// The action of a command about one execution (status, watch, cancel, answer): its context, the execution id
    /// argument and the gateway connection, then <paramref name="body"/>.
    /// </summary>
    public static void SetExecutionAction(Command command, ReevCommandLine cli, Argument<string> id, Func<ExecutionCall, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(cli);
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            var context = owned.Context;
            var executionId = parse.GetRequiredValue(id);
            return await RunAsync(context, connection => body(new ExecutionCall(context, connection, executionId, parse, cancellationToken)), cancellationToken)
                .ConfigureAwait(false);
        });
    }
}

/// <summary>What a command about one execution works with.</summary>
internal sealed record ExecutionCall(CliContext Context, GatewayConnection Connection, string ExecutionId, ParseResult Parse, CancellationToken CancellationToken)
{
    /// <summary>The gateway's refusal as the command's failure (exit code by kind), naming the execution.</summary>
    public int Fail(GatewayProblem problem) => Context.Fail(RemoteErrors.FromProblem(problem, Connection, $"execution {ExecutionId}"));
}
