using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tools;

/// <summary>
/// What earlier attempts of a step already did: the calls that sent a transaction and succeeded, with those
/// transactions. A retry starts from the ledger those calls left, so running them again would do their work twice (a
/// second swap, a second deposit). Instead, the n-th call of a tool in the retry is answered with the n-th journaled
/// call of that tool, marked <see cref="ToolCallRecord.Replayed"/>, and the ledger is left as it is: at most once per
/// step, whatever arguments the agent now derives from the changed balances. Queries are never journaled; they read
/// the ledger afresh.
/// </summary>
/// <param name="Before">The ledger at the step's start, so that what the step received counts the replayed calls too.</param>
/// <param name="Calls">The journaled calls, in the order they were made.</param>
/// <param name="Transactions">The transactions those calls sent.</param>
public sealed record ToolJournal(LedgerSnapshot Before, EquatableArray<ToolCallRecord> Calls, EquatableArray<TransactionRecord> Transactions)
{
    /// <summary>Whether a call is journaled: it succeeded, was executed (not itself replayed) and sent a transaction.</summary>
    public static bool Keeps(ToolCallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return call.Success && !call.Replayed && call.Signatures.Count > 0;
    }

    /// <summary>
    /// The journal of the attempts so far: their kept calls, in order, and the transactions of those calls, after
    /// those of <paramref name="prior"/> (earlier sessions of the same step), whose ledger then counts as the step's start.
    /// </summary>
    public static ToolJournal? From(ToolJournal? prior, LedgerSnapshot before, IEnumerable<(IEnumerable<ToolCallRecord> Calls, IEnumerable<TransactionRecord> Transactions)> attempts)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var calls = new List<ToolCallRecord>(prior?.Calls ?? []);
        var transactions = new List<TransactionRecord>(prior?.Transactions ?? []);
        foreach (var (attemptCalls, attemptTransactions) in attempts)
        {
            var kept = attemptCalls.Where(Keeps).ToList();
            var signatures = kept.SelectMany(static c => c.Signatures).ToHashSet(StringComparer.Ordinal);
            calls.AddRange(kept);
            transactions.AddRange(attemptTransactions.Where(t => signatures.Contains(t.Signature)));
        }

        return calls.Count == 0 ? null : new ToolJournal(prior?.Before ?? before, new EquatableArray<ToolCallRecord>(calls), new EquatableArray<TransactionRecord>(transactions));
    }
}
