namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>The <c>data</c> of a token account entry; <c>amount</c> is a string of base units in the file.</summary>
public sealed record TokenAccountData(string Mint, string Owner, ulong Amount);
