using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>An instruction as executed: program id, account metas, base58 data.</summary>
public sealed record InstructionRecord(string ProgramId, EquatableArray<AccountMetaRecord> Accounts, string Data);
