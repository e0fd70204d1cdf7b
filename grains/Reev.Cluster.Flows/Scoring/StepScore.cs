namespace Reev.Cluster.Flows.Scoring;

/// <summary>The reference formula applied to one step (REFERENCE §2.1).</summary>
/// <param name="InstructionScore">Weighted instruction match in [0,1] (1.0 with no expected instructions when the step acted; 0 when it did nothing).</param>
/// <param name="OnChainScore">1.0 when the step's last transaction succeeded (or, without transactions, its tool calls did).</param>
/// <param name="FinalScore">0.75 × instruction + 0.25 × on-chain, clamped; or 1/0 with skip_instruction_validation.</param>
/// <param name="PassThreshold">min_score or 0.75.</param>
/// <param name="Passed">FinalScore ≥ PassThreshold.</param>
/// <param name="InstructionValidationSkipped">True for skip_instruction_validation files.</param>
public sealed record StepScore(
    double InstructionScore,
    double OnChainScore,
    double FinalScore,
    double PassThreshold,
    bool Passed,
    bool InstructionValidationSkipped);
