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
    IReadOnlyList<(double AtSeconds, int Completed)> Timeline,
    int SilosPaused = 0)
{
    /// <summary>The result of a run from its raw measurements (latencies sorted ascending, in milliseconds).</summary>
    public static LoadResult From(
        LoadSettings settings,
        double seconds,
        int done,
        double[] sortedStarts,
        double[] sortedCompletions,
        int failed,
        int duplicateSteps,
        int silos,
        int silosKilled,
        IReadOnlyList<(double AtSeconds, int Completed)> timeline,
        int silosPaused = 0) => new(
            settings.Flows,
            settings.Steps,
            seconds,
            done / seconds,
            done * settings.Steps / seconds,
            Percentile(sortedStarts, 0.50),
            Percentile(sortedStarts, 0.99),
            Percentile(sortedCompletions, 0.50),
            Percentile(sortedCompletions, 0.99),
            failed,
            settings.Flows - done,
            duplicateSteps,
            silos,
            silosKilled,
            timeline,
            silosPaused);

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1))];
}
