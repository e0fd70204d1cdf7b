using System.Globalization;
using System.Text;

namespace Reev.Cluster.Silo.Tests;

/// <summary>Flow files for gateway tests: cheap, deterministic, no ledger change.</summary>
internal static class GatewayFlows
{
    /// <summary>A flow file of <paramref name="steps"/> read-only balance checks (what SyntheticFlows.BalanceChecks parses).</summary>
    public static string BalanceChecks(string id, int steps)
    {
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
