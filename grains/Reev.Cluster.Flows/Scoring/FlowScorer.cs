using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Running;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>
/// The scores of a step and of a flow, all on the 0–1 scale (REFERENCE §2, with its defects fixed):
/// final = 0.75 × instruction + 0.25 × on-chain (skip_instruction_validation: 1 on success, else 0); pass at
/// <c>min_score</c> when given, else 0.75. A multi-step flow scores the mean of its step scores × a success
/// factor (1.0 every step succeeded; 0.8 only non-critical steps failed; 0.5 a critical step failed; 0 none
/// succeeded), a step that never ran scoring 0. The assertion score is reported beside, not mixed in.
/// </summary>
public static class FlowScorer
{
    /// <summary>Weight of the instruction score in the final score.</summary>
    public const double InstructionWeight = 0.75;

    /// <summary>Weight of the on-chain score in the final score.</summary>
    public const double OnChainWeight = 0.25;

    // Scores are sums of binary fractions; without a tolerance 0.75 could compare below a 0.75 threshold.
    private const double Tolerance = 1e-9;

    /// <summary>The score of one step from its transactions (with their instructions).</summary>
    /// <param name="truth">The document's ground truth.</param>
    /// <param name="keyMap">The run's placeholders.</param>
    /// <param name="transactions">The step's transactions, failed ones included.</param>
    /// <param name="acted">The step succeeded with at least one tool call: the on-chain score of a step without transactions (read-only calls).</param>
    public static StepScore ScoreStep(
        GroundTruth truth,
        KeyMap keyMap,
        IReadOnlyList<TransactionRecord> transactions,
        bool acted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(transactions);
        var instructions = transactions.SelectMany(static t => t.Instructions).ToList();
        var (instructionScore, _) = InstructionScorer.Score(truth.ExpectedInstructions, instructions, keyMap);
        instructionScore = NothingAttempted(truth, transactions, acted) ? 0.0 : instructionScore;
        var onChain = OnChain(transactions, acted);
        var final = Final(truth, instructionScore, onChain);
        return new StepScore(instructionScore, onChain, final, truth.PassThreshold, final + Tolerance >= truth.PassThreshold, truth.SkipInstructionValidation);
    }

    /// <summary>Every component for a run of <paramref name="document"/>.</summary>
    public static ScoreReport ScoreFlow(
        FlowDocument document,
        KeyMap keyMap,
        LedgerSnapshot initialLedger,
        LedgerSnapshot finalLedger,
        IReadOnlyList<StepOutcome> steps)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(steps);
        var truth = document.GroundTruth;
        var transactions = steps.SelectMany(static s => s.Transactions).ToList();
        var (instructionScore, matches) = InstructionScorer.Score(
            truth.ExpectedInstructions, transactions.SelectMany(static t => t.Instructions).ToList(), keyMap);
        var allSucceeded = steps.Count >= document.StepCount && steps.All(static s => s.Succeeded);
        var acted = allSucceeded && steps.Any(static s => s.ToolCalls.Count > 0);
        instructionScore = NothingAttempted(truth, transactions, acted || steps.Any(static s => s.ToolCalls.Any(static c => c.Success))) ? 0.0 : instructionScore;
        var onChain = OnChain(transactions, acted);
        var final = Final(truth, instructionScore, onChain);

        var entries = new List<StepScoreEntry>();
        for (var step = 1; step <= document.StepCount; step++)
        {
            var outcome = steps.LastOrDefault(s => s.StepIndex == step);
            entries.Add(outcome is null
                ? new StepScoreEntry(step, document.IsCritical(step), false, new StepScore(0, 0, 0, truth.PassThreshold, false, truth.SkipInstructionValidation))
                : new StepScoreEntry(step, document.IsCritical(step), outcome.Succeeded, outcome.Score));
        }

        var factor = SuccessFactor(entries);
        var flowScore = document.IsMultiStep ? entries.Average(static e => e.Score.FinalScore) * factor : final;
        var assertions = AssertionEvaluator.Evaluate(truth.FinalStateAssertions, keyMap, initialLedger, finalLedger);
        return new ScoreReport(
            instructionScore,
            onChain,
            final,
            truth.PassThreshold,
            flowScore + Tolerance >= truth.PassThreshold,
            truth.SkipInstructionValidation,
            new EquatableArray<StepScoreEntry>(entries),
            factor,
            flowScore,
            assertions,
            matches);
    }

    /// <summary>1.0 all ok; 0.8 only non-critical failures; 0.5 a critical failure; 0 when nothing succeeded.</summary>
    public static double SuccessFactor(IReadOnlyList<StepScoreEntry> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0 || steps.All(static s => !s.Succeeded))
        {
            return 0.0;
        }

        if (steps.All(static s => s.Succeeded))
        {
            return 1.0;
        }

        return steps.Any(static s => !s.Succeeded && s.Critical) ? 0.5 : 0.8;
    }

    /// <summary>
    /// The reference gives 1.0 for "no expected instructions" even when the agent did nothing, so an idle
    /// agent passed at 0.75. Here a step that sent no transaction and made no successful call earns nothing.
    /// </summary>
    private static bool NothingAttempted(GroundTruth truth, IReadOnlyList<TransactionRecord> transactions, bool acted) =>
        truth.ExpectedInstructions.IsEmpty && transactions.Count == 0 && !acted;

    private static double OnChain(IReadOnlyList<TransactionRecord> transactions, bool succeeded) =>
        transactions.Count > 0 ? (transactions[^1].Status == TransactionStatus.Success ? 1.0 : 0.0) : (succeeded ? 1.0 : 0.0);

    private static double Final(GroundTruth truth, double instruction, double onChain) =>
        truth.SkipInstructionValidation
            ? (onChain >= 1.0 ? 1.0 : 0.0)
            : Math.Clamp((InstructionWeight * instruction) + (OnChainWeight * onChain), 0.0, 1.0);
}
