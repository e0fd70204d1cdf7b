namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>Injected into test grains so that their state records which silo applied a turn.</summary>
public sealed record SiloName(string Value);
