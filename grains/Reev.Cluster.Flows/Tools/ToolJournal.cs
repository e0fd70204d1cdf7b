using System.Text.Json;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Tools;

/// <summary>
/// What earlier attempts of a step already did: the calls that sent a transaction and succeeded, with those
/// transactions. A retry starts from the ledger those calls left, so running them again would do their work twice (a
/// second swap, a second deposit). Instead, a call in the retry that does the same thing as a journaled one (same
/// tool, same arguments apart from the quantities: the same assets, wallets and recipient) is answered with that
/// journaled call, marked <see cref="ToolCallRecord.Replayed"/>, and the ledger is left as it is. Quantities are left
/// out because the agent derives them from balances that the journaled calls changed. Queries are never journaled;
/// they read the ledger afresh. The journal's transactions belong to the step whether or not the retry calls their
/// tools again.
/// </summary>
/// <param name="Before">The ledger at the step's start, so that what the step received counts the replayed calls too.</param>
/// <param name="Calls">The journaled calls, in the order they were made.</param>
/// <param name="Transactions">The transactions those calls sent.</param>
public sealed record ToolJournal(LedgerSnapshot Before, EquatableArray<ToolCallRecord> Calls, EquatableArray<TransactionRecord> Transactions)
{
    // Arguments that say how much, not what: a retry derives them again from the changed balances.
    private static readonly HashSet<string> Quantities = new(StringComparer.Ordinal) { "amount", "shares", "slippage_bps" };

    /// <summary>
    /// What a call does, apart from how much: its tool and its other arguments (assets, wallets, recipient), in a
    /// canonical order. Two calls with the same identity do the same thing.
    /// </summary>
    public static string Identity(string toolName, string argumentsJson)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        try
        {
            using var document = JsonDocument.Parse(argumentsJson ?? string.Empty);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return toolName + "|" + argumentsJson;
            }

            var parts = document.RootElement.EnumerateObject()
                .Where(static p => !Quantities.Contains(p.Name))
                .Select(static p => p.Name + "=" + p.Value.GetRawText())
                .Order(StringComparer.Ordinal);
            return toolName + "|" + string.Join("|", parts);
        }
        catch (JsonException)
        {
            return toolName + "|" + argumentsJson;
        }
    }

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
