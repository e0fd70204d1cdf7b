using Reev.Cluster.Flows.FlowFiles;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Scoring;

/// <summary>
/// The reference instruction score (REFERENCE §2.1): expected and executed instructions pair by index
/// (extra or missing ones are unscored); per pair the program id weight, the data weight (base58 bytes
/// equal; <c>"..."</c> not scored) and each account's weight (pubkey after key-map resolution, signer and
/// writable all equal) are earned; score = earned / possible, 1.0 when nothing is expected or weighted.
/// </summary>
public static class InstructionScorer
{
    public static (double Score, EquatableArray<InstructionMatch> Matches) Score(
        IReadOnlyList<ExpectedInstruction> expected,
        IReadOnlyList<InstructionRecord> executed,
        KeyMap keyMap)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(executed);
        ArgumentNullException.ThrowIfNull(keyMap);
        var matches = new List<InstructionMatch>();
        double total = 0;
        double achieved = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var want = expected[i];
            var possible = want.ProgramIdWeight + want.EffectiveDataWeight + want.Accounts.Sum(static a => a.Weight);
            total += possible;
            if (i >= executed.Count)
            {
                matches.Add(new InstructionMatch(i, false, false, want.ScoresData ? false : null, 0, want.Accounts.Count, 0, possible));
                continue;
            }

            var got = executed[i];
            double earned = 0;
            var programMatched = keyMap.Resolve(want.ProgramId) == got.ProgramId;
            if (programMatched)
            {
                earned += want.ProgramIdWeight;
            }

            bool? dataMatched = null;
            if (want.ScoresData)
            {
                dataMatched = Base58.TryDecode(want.Data!, out var wantBytes) && Base58.TryDecode(got.Data, out var gotBytes) && wantBytes.AsSpan().SequenceEqual(gotBytes);
                if (dataMatched == true)
                {
                    earned += want.EffectiveDataWeight;
                }
            }

            var accountsMatched = 0;
            for (var a = 0; a < want.Accounts.Count && a < got.Accounts.Count; a++)
            {
                var wantAccount = want.Accounts[a];
                var gotAccount = got.Accounts[a];
                if (keyMap.Resolve(wantAccount.Pubkey) == gotAccount.Pubkey && wantAccount.IsSigner == gotAccount.IsSigner && wantAccount.IsWritable == gotAccount.IsWritable)
                {
                    accountsMatched++;
                    earned += wantAccount.Weight;
                }
            }

            achieved += earned;
            matches.Add(new InstructionMatch(i, true, programMatched, dataMatched, accountsMatched, want.Accounts.Count, earned, possible));
        }

        // Weights near double's maximum sum to Infinity and Infinity / Infinity is NaN, which Math.Clamp lets through.
        var ratio = total <= 0 ? 1.0 : achieved / total;
        var score = double.IsFinite(total) && double.IsFinite(ratio) ? Math.Clamp(ratio, 0.0, 1.0) : 0.0;
        return (score, new EquatableArray<InstructionMatch>(matches));
    }
}
