namespace Reev.Cluster.Grains.Tests;

/// <summary>Small two-step transfer flows whose steps can be made to fail permanently.</summary>
public static class TransferFlows
{
    /// <summary>A wallet of 1 SOL sends <paramref name="first"/> then <paramref name="second"/> SOL to a recipient.</summary>
    public static string TwoTransfers(string first, string second, bool firstCritical = true, bool secondCritical = true) => $$"""
        id: two-transfers
        description: Two SOL transfers
        tags: ["test"]
        initial_state:
          - pubkey: "USER_WALLET_PUBKEY"
            owner: "11111111111111111111111111111111"
            lamports: 1000000000
          - pubkey: "RECIPIENT_WALLET_PUBKEY"
            owner: "11111111111111111111111111111111"
            lamports: 0
        prompt: "Send SOL to the recipient twice."
        flow:
          - step: 1
            description: "first transfer"
            prompt: "Please send {{first}} SOL to the recipient (RECIPIENT_WALLET_PUBKEY)."
            critical: {{(firstCritical ? "true" : "false")}}
          - step: 2
            description: "second transfer"
            prompt: "Please send {{second}} SOL to the recipient (RECIPIENT_WALLET_PUBKEY)."
            critical: {{(secondCritical ? "true" : "false")}}
        ground_truth:
          final_state_assertions:
            - type: SolBalanceChange
              pubkey: "RECIPIENT_WALLET_PUBKEY"
              expected_change_gte: 1
              weight: 1.0
        """;
}
