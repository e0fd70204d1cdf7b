using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Running;

/// <summary>A document with its placeholders resolved and its initial ledger built.</summary>
public sealed record PreparedFlow(FlowDocument Document, KeyMap KeyMap, LedgerSnapshot InitialLedger, int Seed);
