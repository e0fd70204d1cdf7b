namespace Reev.Cluster.Runtime.Storage;

/// <summary>A grain's committed state (UTF-8 JSON) and its version (ETag).</summary>
internal sealed record StoredState(byte[] Utf8, long Version);
