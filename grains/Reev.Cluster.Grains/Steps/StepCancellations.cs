using System.Collections.Concurrent;

namespace Reev.Cluster.Grains.Steps;

/// <summary>
/// Cancellation of step attempts running in this process, so that an execution cancelled while one
/// of its steps runs stops that attempt at once (cooperatively) instead of after it. A step on
/// another silo learns of the cancellation from its durable Cancel message before any further attempt.
/// </summary>
public sealed class StepCancellations
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);

    /// <summary>Registers a running attempt; dispose the returned scope when it ends.</summary>
    public Scope Enter(string stepKey, CancellationToken outer)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _running[stepKey] = source;
        return new Scope(this, stepKey, source);
    }

    /// <summary>Cancels the attempt of a step if it runs in this process; true when one was cancelled.</summary>
    public bool Cancel(string stepKey)
    {
        if (_running.TryGetValue(stepKey, out var source))
        {
            try
            {
                source.Cancel();
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        return false;
    }

    public sealed class Scope(StepCancellations owner, string key, CancellationTokenSource source) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public bool IsCancelled => source.IsCancellationRequested;

        public void Dispose()
        {
            owner._running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(key, source));
            source.Dispose();
        }
    }
}
