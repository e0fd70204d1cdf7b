namespace Reev.Cluster.Flows.Ledger;

/// <summary>An instruction to execute: what is recorded (program, metas, data) and what it does.</summary>
internal sealed record LedgerInstruction(InstructionRecord Record, LedgerOp Op);
