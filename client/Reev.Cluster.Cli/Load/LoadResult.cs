namespace Reev.Cluster.Cli.Load;

/// <summary>The figures of a load run and what its verification found.</summary>
internal sealed record LoadResult(
    int Flows,
    int StepsPerFlow,
    double Seconds,
    double FlowsPerSecond,
    double StepsPerSecond,
    double StartP50,
    double StartP99,
    double CompletionP50,
    double CompletionP99,
    int Failed,
    int Lost,
    int DuplicateSteps,
    int Silos,
    int SilosKilled,
    IReadOnlyList<(double AtSeconds, int Completed)> Timeline);
