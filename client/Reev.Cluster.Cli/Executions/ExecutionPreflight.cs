using Reev.Cluster.Cli.CommandLine;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.Flows.Agents.OpenAi;
using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// The checks the execution grain would refuse a request for, made before a silo starts so that bad input exits
/// with code 2 and a positioned message instead of a failed execution.
/// </summary>
internal static class ExecutionPreflight
{
    /// <summary>The agents the silo registers (the flow library's registry names).</summary>
    public static readonly IReadOnlyList<string> KnownAgents = [DeterministicAgent.AgentName, NoopAgent.AgentName, OpenAiAgent.AgentName];

    public static CliError? Check(ExecutionRequest request, FlowSourceMap? sourceMap)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!KnownAgents.Contains(request.Agent, StringComparer.Ordinal))
        {
            return new CliError("unknown_agent", $"unknown agent '{request.Agent}' (known: {string.Join(", ", KnownAgents)})");
        }

        if (request.FaultSpec is { } faults && FaultSpec.Parse(faults) is { IsSuccess: false } parsed)
        {
            return new CliError("invalid_faults", $"--faults: {parsed.Error}");
        }

        var problems = request.Validate([.. KnownAgents]);
        if (problems.Count > 0)
        {
            return new CliError("invalid_request", string.Join(" ", problems));
        }

        var prepared = FlowPreparation.Prepare(request.Document, request.Seed, sourceMap);
        return prepared.IsSuccess ? null : FlowFileError(prepared.Error);
    }

    /// <summary>A flow file error as a CLI error naming file, line, column and field.</summary>
    public static CliError FlowFileError(FlowFileError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new CliError("invalid_flow_file", error.ToString())
        {
            File = error.File,
            Line = error.Line > 0 ? error.Line : null,
            Column = error.Column > 0 ? error.Column : null,
            Field = error.Field,
        };
    }
}
