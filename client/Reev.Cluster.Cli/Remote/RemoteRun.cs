using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Output;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Remote;

/// <summary>
/// <c>run</c> and <c>exec</c> with <c>--gateway</c>: submitted to the gateway (202), then followed live like
/// <c>watch</c>, with the local exit codes. A flow file runs as the gateway's benchmark of the same id (its file name
/// without extension, else the flow's <c>id</c>): the gateway runs its own copy of the file, not the local text.
/// </summary>
internal static class RemoteRun
{
    public static Task<int> RunBenchmarkAsync(CliContext cli, string fileOrId, string agent, AtomicMode atomic, int? seed, string? faults, CancellationToken cancellationToken) =>
        RemoteCommand.RunAsync(cli, async connection =>
        {
            if (await BenchmarkIdsAsync(fileOrId, cancellationToken).ConfigureAwait(false) is not { } candidates)
            {
                return cli.Fail(new CliError("invalid_flow_file", $"{fileOrId}: no such flow file (pass a path to a .yml file, or a benchmark id of the gateway)") { File = fileOrId });
            }

            var body = new
            {
                agent,
                atomic_mode = SnakeCase.Of(atomic),
                seed,
                faults = string.IsNullOrWhiteSpace(faults) ? null : faults,
            };
            for (var i = 0; ; i++)
            {
                var accepted = await connection.Client.RunBenchmarkAsync(candidates[i], body, null, cancellationToken).ConfigureAwait(false);
                if (accepted.Value is { } execution)
                {
                    return await RemoteSession.FollowAsync(cli, connection, $"run {candidates[i]}", execution.ExecutionId, null, cancelOnInterrupt: true, cancellationToken).ConfigureAwait(false);
                }

                if (accepted.Problem is not { Status: 404 } || i == candidates.Count - 1)
                {
                    return cli.Fail(RemoteErrors.FromProblem(accepted.Problem!, connection, $"benchmark {string.Join(" or ", candidates)}"));
                }
            }
        }, cancellationToken);

    public static Task<int> ExecAsync(CliContext cli, string prompt, string mode, decimal sol, decimal usdc, AtomicMode atomic, CancellationToken cancellationToken) =>
        RemoteCommand.RunAsync(cli, async connection =>
        {
            var body = new { prompt, wallet_sol = sol, wallet_usdc = usdc, atomic_mode = SnakeCase.Of(atomic) };
            var accepted = await connection.Client.ExecutePromptAsync(mode, body, null, cancellationToken).ConfigureAwait(false);
            if (accepted.Value is not { } execution)
            {
                return cli.Fail(RemoteErrors.FromProblem(accepted.Problem!, connection, "prompt"));
            }

            return await RemoteSession.FollowAsync(cli, connection, $"exec ({mode}) {execution.FlowId}", execution.ExecutionId, prompt, cancelOnInterrupt: true, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The benchmark ids a <c>run</c> argument may mean, most likely first; null for a missing file.</summary>
    private static async Task<IReadOnlyList<string>?> BenchmarkIdsAsync(string fileOrId, CancellationToken cancellationToken)
    {
        if (!File.Exists(fileOrId))
        {
            return Executions.RunTarget.LooksLikeId(fileOrId) ? [fileOrId] : null;
        }

        var ids = new List<string> { Path.GetFileNameWithoutExtension(fileOrId) };
        var load = await FlowFileLoader.LoadAsync(fileOrId, cancellationToken).ConfigureAwait(false);
        if (load.IsSuccess && !ids.Contains(load.Document.Id, StringComparer.Ordinal))
        {
            ids.Add(load.Document.Id);
        }

        return ids;
    }
}
