namespace Reev.Cluster.Runtime.Storage;

/// <summary>A reply owed to a remote client; stored in the same transaction as the turn.</summary>
internal sealed record ReplyRecord(string ClientId, Guid RequestId, string? Payload, string? Error);
