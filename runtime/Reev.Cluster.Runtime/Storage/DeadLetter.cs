namespace Reev.Cluster.Runtime.Storage;

/// <summary>A message that failed too often, kept with its last error (DESIGN R4).</summary>
public sealed record DeadLetter(
    long MessageId,
    string GrainType,
    string GrainKey,
    string Method,
    int Attempts,
    string Error,
    DateTimeOffset DeadAt);
