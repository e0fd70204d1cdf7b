using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>The <c>ground_truth</c> block.</summary>
/// <param name="TransactionStatus">Expected status, as written (the reference default is "Success").</param>
/// <param name="MinScore">Pass threshold; 0.75 when absent.</param>
/// <param name="SkipInstructionValidation">API-only files: score 1.0 on success, 0 otherwise.</param>
/// <param name="FinalStateAssertions">Scored by the assertion score.</param>
/// <param name="ExpectedInstructions">Scored by the instruction score.</param>
/// <param name="SuccessCriteria">Kept, not evaluated.</param>
/// <param name="Extras">Other keys (114 and 300-series extras), kept as JSON, not scored.</param>
public sealed record GroundTruth(
    string? TransactionStatus,
    double? MinScore,
    bool SkipInstructionValidation,
    EquatableArray<FinalStateAssertion> FinalStateAssertions,
    EquatableArray<ExpectedInstruction> ExpectedInstructions,
    EquatableArray<SuccessCriterion> SuccessCriteria,
    EquatableArray<FlowExtra> Extras)
{
    /// <summary>The pass threshold used when the file gives no <c>min_score</c>.</summary>
    public const double DefaultPassThreshold = 0.75;

    /// <summary>An empty ground truth.</summary>
    public static GroundTruth Empty { get; } = new(
        null, null, false, default(EquatableArray<FinalStateAssertion>), default(EquatableArray<ExpectedInstruction>),
        default(EquatableArray<SuccessCriterion>), default(EquatableArray<FlowExtra>));

    /// <summary><see cref="MinScore"/> or <see cref="DefaultPassThreshold"/>.</summary>
    public double PassThreshold => MinScore ?? DefaultPassThreshold;
}
