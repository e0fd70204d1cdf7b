using Microsoft.Extensions.Logging;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Tools;

namespace Reev.Cluster.Flows.Diagnostics;

/// <summary>Source-generated log messages of the flow domain (never logs keys' secrets or whole states).</summary>
internal static partial class FlowsLog
{
    [LoggerMessage(1000, LogLevel.Debug, "Step {StepIndex} attempt {Attempt} of {FlowId} starting with agent {Agent}")]
    public static partial void StepStarting(ILogger logger, string flowId, int stepIndex, int attempt, string agent);

    [LoggerMessage(1001, LogLevel.Debug, "Step {StepIndex} attempt {Attempt} of {FlowId} {Status} in {DurationMs} ms with {ToolCalls} tool calls, score {Score}")]
    public static partial void StepCompleted(ILogger logger, string flowId, int stepIndex, int attempt, StepStatus status, double durationMs, int toolCalls, double score);

    [LoggerMessage(1002, LogLevel.Warning, "Step {StepIndex} attempt {Attempt} of {FlowId} failed with {ErrorKind} (retryable {Retryable}): {Message}")]
    public static partial void StepFailed(ILogger logger, string flowId, int stepIndex, int attempt, FlowErrorKind errorKind, bool retryable, string message);

    [LoggerMessage(1003, LogLevel.Warning, "Step {StepIndex} of {FlowId} timed out after {TimeoutMs} ms")]
    public static partial void StepTimedOut(ILogger logger, string flowId, int stepIndex, double timeoutMs);

    [LoggerMessage(1010, LogLevel.Debug, "Tool {Tool} call {Index} {Outcome} in {DurationMs} ms")]
    public static partial void ToolCalled(ILogger logger, string tool, int index, string outcome, double durationMs);

    [LoggerMessage(1011, LogLevel.Debug, "Injected fault {Kind} into tool {Tool} (attempt {Attempt})")]
    public static partial void FaultInjected(ILogger logger, string kind, string tool, int attempt);

    [LoggerMessage(1020, LogLevel.Debug, "Agent {Agent} request {Turn} to {Endpoint}")]
    public static partial void AgentRequest(ILogger logger, string agent, int turn, string endpoint);

    [LoggerMessage(1021, LogLevel.Warning, "Agent {Agent} request failed: {Message}")]
    public static partial void AgentRequestFailed(ILogger logger, string agent, string message);

    [LoggerMessage(1030, LogLevel.Information, "Flow {FlowId} finished with agent {Agent}: {Steps} steps, flow score {FlowScore}, assertion score {AssertionScore}, passed {Passed}")]
    public static partial void FlowCompleted(ILogger logger, string flowId, string agent, int steps, double flowScore, double assertionScore, bool passed);
}
