using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>An executed transaction: its instructions, status, error and program logs.</summary>
/// <param name="Signature">Deterministic base58 signature.</param>
/// <param name="Slot">Slot it executed in.</param>
/// <param name="FeePayer">The signer charged the fee.</param>
/// <param name="Instructions">Instructions in order.</param>
/// <param name="Status">Success or failed.</param>
/// <param name="Error">The error when failed, e.g. <c>custom program error: 0x1771</c>.</param>
/// <param name="Logs">Program logs, Solana style.</param>
/// <param name="Fee">Lamports charged (5000 per signature), charged even when the transaction fails.</param>
public sealed record TransactionRecord(
    string Signature,
    long Slot,
    string FeePayer,
    EquatableArray<InstructionRecord> Instructions,
    TransactionStatus Status,
    string? Error,
    EquatableArray<string> Logs,
    ulong Fee);
