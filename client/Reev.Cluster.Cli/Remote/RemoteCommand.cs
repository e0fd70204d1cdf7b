using Reev.Cluster.Cli.CommandLine;

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
}
