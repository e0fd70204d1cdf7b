namespace Reev.Cluster.Runtime;

/// <summary>Fault-injection points for failure tests (a paused silo, a stalled commit).</summary>
public sealed class SiloTestHooks
{
    /// <summary>Awaited before every commit transaction; a test blocks it to pause the silo's commits.</summary>
    public Func<CancellationToken, Task>? BeforeCommitAsync { get; set; }

    /// <summary>While true, the silo sends no heartbeats (its lease runs out as if it were paused).</summary>
    public bool SuspendHeartbeats { get; set; }
}
