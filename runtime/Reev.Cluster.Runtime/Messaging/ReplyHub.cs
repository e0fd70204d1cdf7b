using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>
/// Process-wide table of clients living in this process, so that a silo in the same process
/// delivers replies directly instead of storing them for a remote client.
/// </summary>
internal static class ReplyHub
{
    private static readonly ConcurrentDictionary<string, PendingReplies> Clients = new(StringComparer.Ordinal);

    public static void Register(string clientId, PendingReplies replies) => Clients[clientId] = replies;

    /// <summary>Removes this registration only: a silo started later with the same id (a restart in one process) keeps its own.</summary>
    public static void Unregister(string clientId, PendingReplies replies) =>
        Clients.TryRemove(new KeyValuePair<string, PendingReplies>(clientId, replies));

    public static bool IsLocal(string clientId) => Clients.ContainsKey(clientId);

    /// <summary>Whether a local caller still waits for the reply to <paramref name="requestId"/>.</summary>
    public static bool IsWaiting(string clientId, Guid requestId) =>
        Clients.TryGetValue(clientId, out var replies) && replies.IsWaiting(requestId);

    public static void Deliver(string clientId, Guid requestId, string? payload, string? error)
    {
        if (Clients.TryGetValue(clientId, out var replies))
        {
            replies.Complete(requestId, payload, error);
        }
    }

    public static (string ClientId, Guid RequestId) Parse(string replyTo)
    {
        var colon = replyTo.LastIndexOf(':');
        return (replyTo[..colon], Guid.Parse(replyTo.AsSpan(colon + 1)));
    }
}
