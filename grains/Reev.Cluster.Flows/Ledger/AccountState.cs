namespace Reev.Cluster.Flows.Ledger;

/// <summary>Mutable account inside a <see cref="SimulatedLedger"/>.</summary>
internal sealed class AccountState(string owner, ulong lamports, TokenState? token)
{
    public string Owner { get; set; } = owner;

    public ulong Lamports { get; set; } = lamports;

    public TokenState? Token { get; set; } = token;

    public AccountState Clone() => new(Owner, Lamports, Token?.Clone());

    public AccountSnapshot ToSnapshot(string pubkey) =>
        new(pubkey, Owner, Lamports, Token is null ? null : new TokenAccountSnapshot(Token.Mint, Token.Owner, Token.Amount));
}
