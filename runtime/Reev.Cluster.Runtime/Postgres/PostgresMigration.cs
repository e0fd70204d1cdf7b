namespace Reev.Cluster.Runtime.Postgres;

/// <summary>One versioned schema change. The runtime uses versions below 100; other components above.</summary>
public sealed record PostgresMigration(int Version, string Description, string Sql);
