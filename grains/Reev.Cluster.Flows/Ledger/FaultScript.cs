using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>A fault that hits every eligible call of the listed attempts.</summary>
public sealed record FaultScript(FaultKind Kind, EquatableArray<int> Attempts);
