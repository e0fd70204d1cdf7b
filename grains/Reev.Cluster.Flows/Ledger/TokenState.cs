namespace Reev.Cluster.Flows.Ledger;

/// <summary>Mutable SPL token data inside a <see cref="SimulatedLedger"/>.</summary>
internal sealed class TokenState(string mint, string owner, ulong amount)
{
    public string Mint { get; } = mint;

    public string Owner { get; } = owner;

    public ulong Amount { get; set; } = amount;

    public TokenState Clone() => new(Mint, Owner, Amount);
}
