using Microsoft.Extensions.Logging;

namespace Reev.Cluster.Grains.Diagnostics;

internal static partial class GrainsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Execution {ExecutionId} of flow {FlowId} started: {Steps} steps, agent {Agent}, {AtomicMode}")]
    public static partial void ExecutionStarted(ILogger logger, string executionId, string flowId, int steps, string agent, Reev.Cluster.GrainInterfaces.AtomicMode atomicMode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Execution {ExecutionId} refused: {Problems}")]
    public static partial void ExecutionRefused(ILogger logger, string executionId, string problems);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Execution {ExecutionId} finished as {Status} (score {Score:0.###}, passed {Passed})")]
    public static partial void ExecutionFinished(ILogger logger, string executionId, Reev.Cluster.GrainInterfaces.ExecutionStatus status, double score, bool passed);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Execution {ExecutionId} cancelled by {By}: {Reason}")]
    public static partial void ExecutionCancelled(ILogger logger, string executionId, string by, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Late or duplicate report from {StepKey} ignored by execution {ExecutionId}")]
    public static partial void StaleReport(ILogger logger, string executionId, string stepKey);

    /// <summary>Every attempt of every step: Debug when it succeeded (hundreds a second under load), Information when it failed.</summary>
    [LoggerMessage(EventId = 3010, Message = "Step {StepKey} attempt {Attempt} {Status} in {DurationMs:0.#} ms; error: {Error}")]
    public static partial void StepAttempted(ILogger logger, LogLevel level, string stepKey, int attempt, Reev.Cluster.Flows.Running.StepStatus status, double durationMs, Reev.Cluster.Flows.Tools.ToolError? error);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "Step {StepKey} retries in {DelayMs} ms (retry {Retry}) after: {Error}")]
    public static partial void StepRetryScheduled(ILogger logger, string stepKey, int delayMs, int retry, string error);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Error, Message = "Step {StepKey}: the agent failed unexpectedly")]
    public static partial void AgentCrashed(ILogger logger, Exception exception, string stepKey);

    /// <summary>Debug when completed (one per execution, after its own Information line), Information otherwise.</summary>
    [LoggerMessage(EventId = 3020, Message = "Consolidation of {ExecutionId} ended as {Status} in {DurationMs:0.#} ms")]
    public static partial void ConsolidationEnded(ILogger logger, LogLevel level, string executionId, Reev.Cluster.GrainInterfaces.ConsolidationStatus status, double durationMs);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Execution {ExecutionId}: nothing came back within {BudgetSeconds:0.#} s (step {Step}; 0 for the consolidation); the watchdog moves it on")]
    public static partial void ExecutionStalled(ILogger logger, string executionId, int step, double budgetSeconds);
}
