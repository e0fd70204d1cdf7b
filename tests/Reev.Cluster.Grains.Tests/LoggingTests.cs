using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reev.Cluster.Flows.Agents;
using Reev.Cluster.GrainInterfaces;
using Xunit.Abstractions;

namespace Reev.Cluster.Grains.Tests;

/// <summary>What the grains log, and at which level: per-execution lines at Information, per-step success at Debug.</summary>
public sealed class LoggingTests(ITestOutputHelper output)
{
    private const int StepAttempted = 3010;
    private const int ConsolidationEnded = 3020;

    [Fact]
    public async Task A_successful_step_logs_at_debug_and_a_failed_one_at_information()
    {
        var lines = new ConcurrentQueue<(LogLevel Level, int EventId, string Message)>();
        using var capturing = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new CapturingProvider(lines)));
        await using var host = await GrainHost.StartAsync(Provider.InMemory, output, services: s =>
        {
            s.AddSingleton(capturing); // the last registration wins: the grains' loggers write here
            s.AddSingleton<IFlowAgent, ThrowingAgent>();
        });
        var document = Flows.Benchmark("001-sol-transfer");
        var noRecovery = new RecoveryConfig { InTurnRetries = 0, MaxRecoveryTimeMs = 100, EnableAlternativeFlows = false };

        var fine = await host.RunAsync(Flows.Request(document), executionId: "log-fine");
        var thrown = await host.RunAsync(Flows.Request(document, recovery: noRecovery) with { Agent = "throws" }, executionId: "log-thrown");

        Assert.Equal(ExecutionStatus.Completed, fine.Status);
        Assert.Equal(ExecutionStatus.Failed, thrown.Status);
        var fineStep = Assert.Single(lines, l => l.EventId == StepAttempted && l.Message.Contains("log-fine:1", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, fineStep.Level);
        Assert.All(lines.Where(l => l.EventId == StepAttempted && l.Message.Contains("log-thrown:1", StringComparison.Ordinal)), l => Assert.Equal(LogLevel.Information, l.Level));
        Assert.Contains(lines, l => l.EventId == StepAttempted && l.Message.Contains("log-thrown:1", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, Assert.Single(lines, l => l.EventId == ConsolidationEnded && l.Message.Contains("log-fine", StringComparison.Ordinal)).Level);
        Assert.Contains(lines, l => l.Level == LogLevel.Information && l.Message.Contains("log-fine", StringComparison.Ordinal)); // the execution's own lines stay
    }

    private sealed class CapturingProvider(ConcurrentQueue<(LogLevel Level, int EventId, string Message)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel Level, int EventId, string Message)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
