namespace Reev.Cluster.Cli.Load;

/// <summary>What <c>reev load</c> runs.</summary>
internal sealed record LoadSettings(
    int Flows,
    int Concurrency,
    int Steps,
    string Agent,
    string? Postgres,
    int Silos,
    double? KillSiloAfterSeconds,
    string? ReportPath,
    TimeSpan Timeout,
    bool InProcess = false);
