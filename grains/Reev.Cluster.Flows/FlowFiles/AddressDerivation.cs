namespace Reev.Cluster.Flows.FlowFiles;

/// <summary><c>address_derivation</c>: the account is the associated token account of owner + mint.</summary>
public sealed record AddressDerivation(string Type, string Owner, string Mint);
