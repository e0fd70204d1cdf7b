namespace Reev.Cluster.Runtime.Storage;

/// <summary>A reply owed to a remote client; stored in the same transaction as the turn.</summary>
internal sealed record ReplyRecord(string ClientId, Guid RequestId, string? Payload, string? Error)
{
    /// <summary>
    /// Replies unread for this long are deleted by the stores' reclaim pass (asks time out long before): they belong to a
    /// client that gave up or went away, and nobody will read them.
    /// </summary>
    public static readonly TimeSpan OrphanedAge = TimeSpan.FromMinutes(10);
}
