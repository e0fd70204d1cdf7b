namespace Reev.Cluster.Cli.Load;

/// <summary>What <c>reev load</c> runs.</summary>
internal sealed record LoadSettings(
    int Flows,
    int Concurrency,
    int Steps,
    string Agent,
    string? Postgres,
    int Silos,
    RunPoint? KillSiloAt,
    string? ReportPath,
    TimeSpan Timeout,
    bool InProcess = false,
    RunPoint? PauseSiloAt = null,
    double PauseForSeconds = LoadSettings.DefaultPauseForSeconds)
{
    /// <summary>Longer than the lease the load gives its silo processes (5 s): the others take the paused one's partitions.</summary>
    public const double DefaultPauseForSeconds = 8;
}
