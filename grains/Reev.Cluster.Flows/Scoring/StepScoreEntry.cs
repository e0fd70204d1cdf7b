namespace Reev.Cluster.Flows.Scoring;

/// <summary>A step's score inside a <see cref="ScoreReport"/>.</summary>
public sealed record StepScoreEntry(int StepIndex, bool Critical, bool Succeeded, StepScore Score);
