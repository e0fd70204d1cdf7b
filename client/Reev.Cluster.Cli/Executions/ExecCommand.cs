using System.CommandLine;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Cli.Planning;
using Reev.Cluster.GrainInterfaces;
using Reev.Cluster.Planning;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// <c>reev exec "&lt;prompt&gt;" [--mode direct|bridge] [--wallet-sol 5] [--wallet-usdc 1000] [--atomic] [--json]</c>:
/// plans a prompt for a simulated wallet and runs the planned flow.
/// </summary>
internal static class ExecCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var prompt = new Argument<string>("prompt") { Description = "What to do, e.g. \"swap 0.1 SOL to USDC then lend it\"." };
        var mode = new Option<string>("--mode")
        {
            Description = "direct (plan kept in memory, default) or bridge (plan written as a flow file and loaded back).",
            DefaultValueFactory = static _ => "direct",
        };
        mode.AcceptOnlyFromAmong("direct", "bridge");
        var sol = new Option<decimal>("--wallet-sol") { Description = "SOL in the simulated wallet.", DefaultValueFactory = static _ => SimulatedWallet.DefaultSol };
        var usdc = new Option<decimal>("--wallet-usdc") { Description = "USDC in the simulated wallet.", DefaultValueFactory = static _ => SimulatedWallet.DefaultUsdc };
        var atomic = ReevCommandLine.AtomicOption();
        var command = new Command("exec", "Plan a natural-language prompt for a simulated wallet and run it on the cluster.")
        {
            prompt, mode, sol, usdc, atomic,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            return await ExecuteAsync(
                owned.Context,
                parse.GetRequiredValue(prompt),
                parse.GetValue(mode) == "bridge" ? PlanningMode.Bridge : PlanningMode.Direct,
                parse.GetValue(sol),
                parse.GetValue(usdc),
                AtomicModes.Parse(parse.GetValue(atomic)),
                cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext cli, string prompt, PlanningMode mode, decimal sol, decimal usdc, AtomicMode atomic, CancellationToken cancellationToken)
    {
        if (cli.Gateway is not null)
        {
            // The gateway plans the prompt (its wallet checks and rejections answer as problem+json).
            return await Remote.RemoteRun.ExecAsync(cli, prompt, mode == PlanningMode.Bridge ? "bridge" : "direct", sol, usdc, atomic, cancellationToken).ConfigureAwait(false);
        }

        if (SimulatedWallet.TryCreate(sol, usdc, out var walletError) is not { } wallet)
        {
            return cli.Fail(new CliError("invalid_wallet", walletError!));
        }

        var executionId = ExecutionIds.New();
        var planner = PromptPlanner.Create(cli.TimeProvider, logger: cli.LoggerFactory.CreateLogger<PromptPlanner>());
        var planned = await planner.PlanAsync(new PlanRequest(prompt, wallet.Address, wallet.Ledger, executionId), mode, cancellationToken).ConfigureAwait(false);
        if (!planned.IsSuccess)
        {
            return cli.Fail(PromptRejection.ToError(planned.Error));
        }

        var flow = planned.Flow;
        var request = new ExecutionRequest
        {
            Document = flow.Document,
            Source = mode == PlanningMode.Bridge ? FlowSource.Bridge : FlowSource.Direct,
            OriginalPrompt = prompt,
            AtomicMode = atomic,
            Seed = RandomNumberGenerator.GetInt32(int.MaxValue),
            SubmittedBy = "cli",
        };
        if (ExecutionPreflight.Check(request, null) is { } problem)
        {
            return cli.Fail(problem);
        }

        if (!cli.Json)
        {
            PlanOutput.WriteTable(cli.Console, flow.Plan);
        }

        return await ExecutionSession.RunAsync(cli, $"exec ({mode.ToString().ToLowerInvariant()})", executionId, request, cancellationToken).ConfigureAwait(false);
    }
}
