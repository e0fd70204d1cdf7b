namespace Reev.Cluster.Benchmarks;

/// <summary>Figures of one provider and cluster size.</summary>
internal sealed record BenchResult(
    string Provider,
    int Silos,
    PhaseResult Relay,
    PhaseResult Client,
    double AskP50Ms,
    double AskP99Ms,
    double AskMeanMs,
    string Verified);

/// <summary>A throughput phase: messages, elapsed time and the commit transactions it took.</summary>
internal sealed record PhaseResult(long Messages, TimeSpan Elapsed, long Commits)
{
    public double PerSecond => Messages / Elapsed.TotalSeconds;

    public double TurnsPerCommit => Commits == 0 ? 0 : (double)Messages / Commits;
}
