using System.CommandLine;
using System.Security.Cryptography;
using Reev.Cluster.Cli.Benchmarks;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// <c>reev run &lt;file.yml | benchmark id&gt; [--agent] [--atomic] [--seed N] [--faults spec] [--json]</c>: runs a flow
/// file, or a benchmark of the local benchmarks folder by id (<see cref="RunTarget"/>); with <c>--gateway</c>, the
/// gateway's benchmark of that id (see <see cref="Remote.RemoteRun"/>).
/// </summary>
internal static class RunCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var file = new Argument<string>("file") { Description = "Flow file in the reference benchmark format (.yml), or a benchmark id as `reev benchmarks` lists it (with --gateway: of the gateway)." };
        var agent = new Option<string>("--agent")
        {
            Description = "Agent that runs the steps: deterministic (default, offline), openai or noop.",
            DefaultValueFactory = static _ => DeterministicAgent.AgentName,
        };
        var atomic = ReevCommandLine.AtomicOption();
        var seed = new Option<int?>("--seed") { Description = "Seed of placeholder keys and fault injection (random by default; printed)." };
        var faults = new Option<string?>("--faults")
        {
            Description = "Faults to inject, e.g. \"transient@1+2\" or \"transient=0.2, slippage@1, spike_bps=500\".",
            HelpName = "spec",
        };
        var command = new Command("run", "Run a flow file on the cluster and report its steps, scores and balances.")
        {
            file, agent, atomic, seed, faults,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            return await ExecuteAsync(
                owned.Context,
                parse.GetRequiredValue(file),
                parse.GetValue(agent) ?? DeterministicAgent.AgentName,
                AtomicModes.Parse(parse.GetValue(atomic)),
                parse.GetValue(seed),
                parse.GetValue(faults),
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext cli, string path, string agent, AtomicMode atomic, int? seed, string? faults, CancellationToken cancellationToken)
    {
        if (cli.Gateway is not null)
        {
            return await Remote.RemoteRun.RunBenchmarkAsync(cli, path, agent.ToLowerInvariant(), atomic, seed, faults, cancellationToken).ConfigureAwait(false);
        }

        var (file, notFound) = RunTarget.Resolve(path, static () => BenchmarkDirectory.Locate(null));
        if (file is null)
        {
            return cli.Fail(notFound!);
        }

        var load = await FlowFileLoader.LoadAsync(file, cancellationToken).ConfigureAwait(false);
        if (!load.IsSuccess)
        {
            return cli.Fail(ExecutionPreflight.FlowFileError(load.Error));
        }

        var request = new ExecutionRequest
        {
            Document = load.Document,
            Source = FlowSource.File,
            Agent = agent.ToLowerInvariant(),
            AtomicMode = atomic,
            Seed = seed ?? RandomNumberGenerator.GetInt32(int.MaxValue),
            FaultSpec = string.IsNullOrWhiteSpace(faults) ? null : faults,
            SubmittedBy = "cli",
        };
        if (ExecutionPreflight.Check(request, load.SourceMap) is { } problem)
        {
            return cli.Fail(problem);
        }

        return await ExecutionSession.RunAsync(cli, $"run {Path.GetFileName(file)}", ExecutionIds.New(), request, cancellationToken).ConfigureAwait(false);
    }
}
