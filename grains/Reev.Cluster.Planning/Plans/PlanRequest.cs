using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Planning.Plans;

/// <summary>What to plan: a prompt for a wallet whose balances are on <paramref name="Ledger"/>.</summary>
/// <param name="Prompt">The user's prompt.</param>
/// <param name="Wallet">The wallet's base58 address on <paramref name="Ledger"/>.</param>
/// <param name="Ledger">The ledger state balances are read from.</param>
/// <param name="PlanId">The id to give the plan (an execution id); generated as <c>dynamic-&lt;unix s&gt;-&lt;8 hex&gt;</c> when null.</param>
public sealed record PlanRequest(string Prompt, string Wallet, LedgerSnapshot Ledger, string? PlanId = null);
