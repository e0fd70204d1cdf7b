using System.Globalization;
using System.Text;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>Flows built for load and benchmark runs rather than read from files.</summary>
public static class SyntheticFlows
{
    /// <summary>A flow of <paramref name="steps"/> read-only balance checks on a 1 SOL wallet (no ledger change, any agent).</summary>
    public static FlowDocument BalanceChecks(int steps, string id = "synthetic-balance-checks") =>
        FlowFileLoader.Parse(BalanceChecksYaml(steps, id), $"{id}.yml").GetDocumentOrThrow();

    /// <summary>The flow file of <see cref="BalanceChecks"/> (for a benchmarks folder served by a gateway).</summary>
    public static string BalanceChecksYaml(int steps, string id = "synthetic-balance-checks")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var yaml = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"""
            id: {id}
            description: {steps} read-only steps
            tags: ["synthetic"]
            initial_state:
              - pubkey: "USER_WALLET_PUBKEY"
                owner: "11111111111111111111111111111111"
                lamports: 1000000000
            prompt: "Check my SOL balance."
            flow:

            """));
        for (var i = 1; i <= steps; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - step: {i}\n    description: \"step {i}\"\n    prompt: \"Check my SOL balance.\"\n    critical: true\n");
        }

        return yaml.Append("ground_truth:\n  skip_instruction_validation: true\n").ToString();
    }
}
