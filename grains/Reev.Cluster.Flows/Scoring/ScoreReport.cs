using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>Every scoring component of a run.</summary>
/// <param name="InstructionScore">Instruction match over all executed instructions of the run.</param>
/// <param name="OnChainScore">1.0 when the run's last transaction succeeded (or API-only calls succeeded).</param>
/// <param name="FinalScore">The reference formula over the whole run.</param>
/// <param name="PassThreshold">min_score or 0.75.</param>
/// <param name="Passed">FlowScore ≥ PassThreshold.</param>
/// <param name="InstructionValidationSkipped">skip_instruction_validation.</param>
/// <param name="Steps">Per-step scores, in step order.</param>
/// <param name="SuccessFactor">1.0 all steps ok; 0.8 only non-critical failures; 0.5 a critical failure; 0 none ok.</param>
/// <param name="FlowScore">Single-prompt: FinalScore. Multi-step: mean step score × success factor.</param>
/// <param name="Assertions">The assertion score and each assertion's result.</param>
/// <param name="InstructionMatches">Per expected instruction: what matched.</param>
public sealed record ScoreReport(
    double InstructionScore,
    double OnChainScore,
    double FinalScore,
    double PassThreshold,
    bool Passed,
    bool InstructionValidationSkipped,
    EquatableArray<StepScoreEntry> Steps,
    double SuccessFactor,
    double FlowScore,
    AssertionScore Assertions,
    EquatableArray<InstructionMatch> InstructionMatches);
