namespace Reev.Cluster.Runtime.Storage;

/// <summary>A grain's committed state and its version (ETag).</summary>
internal sealed record StoredState(string Json, long Version);
