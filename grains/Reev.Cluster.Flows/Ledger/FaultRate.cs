namespace Reev.Cluster.Flows.Ledger;

/// <summary>The probability of a fault per eligible call.</summary>
public sealed record FaultRate(FaultKind Kind, double Rate);
