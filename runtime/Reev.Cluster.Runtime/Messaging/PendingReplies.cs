using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Messaging;

/// <summary>The asks of one client that wait for their replies.</summary>
internal sealed class PendingReplies
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<(string? Payload, string? Error)>> _pending = new();

    public int Count => _pending.Count;

    /// <summary>The request ids waiting for a reply now.</summary>
    public Guid[] Waiting() => [.. _pending.Keys];

    public Task<(string? Payload, string? Error)> RegisterAsync(Guid requestId)
    {
        var tcs = new TaskCompletionSource<(string?, string?)>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[requestId] = tcs;
        return tcs.Task;
    }

    public bool IsWaiting(Guid requestId) => _pending.ContainsKey(requestId);

    public void Forget(Guid requestId) => _pending.TryRemove(requestId, out _);

    public void Complete(Guid requestId, string? payload, string? error)
    {
        if (_pending.TryRemove(requestId, out var tcs))
        {
            tcs.TrySetResult((payload, error));
        }
    }
}
