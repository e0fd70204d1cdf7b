namespace Reev.Cluster.Flows.Running;

/// <summary>Options of <see cref="StepRunner"/>.</summary>
public sealed class StepRunnerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Reev:Flows";

    /// <summary>Default of <see cref="DefaultStepTimeout"/>: 60 s (the reference agent's FlowStep default).</summary>
    public static readonly TimeSpan DefaultStepTimeoutValue = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of a step whose flow file gives none.</summary>
    public TimeSpan DefaultStepTimeout { get; set; } = DefaultStepTimeoutValue;
}
