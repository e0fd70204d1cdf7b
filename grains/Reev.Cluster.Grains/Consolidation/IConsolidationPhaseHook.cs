namespace Reev.Cluster.Grains.Consolidation;

/// <summary>
/// Called before each consolidation phase. The product registers none; tests register one to make a
/// phase fail or hang, which must end the consolidation as failed or timed out, never the execution.
/// </summary>
public interface IConsolidationPhaseHook
{
    Task BeforePhaseAsync(string executionId, string phase, CancellationToken cancellationToken);
}
