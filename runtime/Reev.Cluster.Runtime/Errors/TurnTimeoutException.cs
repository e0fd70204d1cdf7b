namespace Reev.Cluster.Runtime;

/// <summary>
/// A turn's grain code did not finish within <see cref="SiloOptions.TurnTimeout"/>: the turn was abandoned and counts as
/// a failed attempt (ADR 0014). Its name and message are the attempt's recorded error.
/// </summary>
internal sealed class TurnTimeoutException(GrainId grain, string method, TimeSpan timeout)
    : ReevClusterException($"turn of {grain}.{method} did not finish within {timeout:c}");
