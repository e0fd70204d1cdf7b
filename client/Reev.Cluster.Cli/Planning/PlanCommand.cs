using System.CommandLine;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Planning;
using Reev.Cluster.Planning.Bridge;
using Reev.Cluster.Planning.Plans;

namespace Reev.Cluster.Cli.Planning;

/// <summary>
/// <c>reev plan "&lt;prompt&gt;" [--json] [--yaml]</c>: plans a prompt for the default simulated wallet without running
/// it. <c>--yaml</c> prints the flow file, which <c>reev run</c> accepts.
/// </summary>
internal static class PlanCommand
{
    public static Command Create(ReevCommandLine cli)
    {
        var prompt = new Argument<string>("prompt") { Description = "What to plan, e.g. \"swap 0.1 SOL to USDC\"." };
        var yaml = new Option<bool>("--yaml") { Description = "Print the planned flow file (YAML) instead of the table." };
        var command = new Command("plan", "Plan a prompt (5 SOL, 1000 USDC wallet) without running it.") { prompt, yaml };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var owned = cli.CreateContext(parse);
            return await ExecuteAsync(owned.Context, parse.GetRequiredValue(prompt), parse.GetValue(yaml), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext cli, string prompt, bool yaml, CancellationToken cancellationToken)
    {
        var wallet = SimulatedWallet.TryCreate(SimulatedWallet.DefaultSol, SimulatedWallet.DefaultUsdc, out _)!;
        var planner = PromptPlanner.Create(cli.TimeProvider, logger: cli.LoggerFactory.CreateLogger<PromptPlanner>());

        // Bridge mode: the plan is rendered to a flow file and loaded back, so the YAML shown is one that runs.
        var planned = await planner.PlanAsync(new PlanRequest(prompt, wallet.Address, wallet.Ledger), PlanningMode.Bridge, cancellationToken).ConfigureAwait(false);
        if (!planned.IsSuccess)
        {
            return cli.Fail(PromptRejection.ToError(planned.Error));
        }

        if (cli.Json)
        {
            PlanOutput.WriteJson(cli.Output, planned.Flow, wallet);
        }
        else if (yaml)
        {
            await cli.Output.WriteAsync(planned.Flow.Yaml).ConfigureAwait(false);
            await cli.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            PlanOutput.WriteTable(cli.Console, planned.Flow.Plan);
        }

        return ExitCodes.Passed;
    }
}
