namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>An expected account meta; scores its weight only when pubkey, signer and writable all match.</summary>
public sealed record ExpectedAccount(string Pubkey, bool IsSigner, bool IsWritable, double Weight);
