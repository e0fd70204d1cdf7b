using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Gateway.Hosting;

namespace Reev.Cluster.Gateway.Executions;

/// <summary>
/// Tells the gateway's event streams when the executions they follow have changed: one read-model query per
/// <see cref="GatewayOptions.EventPollInterval"/> for every watched execution together (their versions, which grow with
/// each state change an execution commits, in the same transaction as its row), instead of each stream asking its
/// grain every interval. A grain read is a durable ask (a message, a turn and a reply through the queue); 500 watchers
/// polling every 200 ms made 2,500 of them a second, more work than the flows they watched. Now a stream asks its grain
/// when its execution has changed, and once a heartbeat interval in case a change went unseen.
/// </summary>
internal sealed partial class ExecutionChangeFeed(IReevCluster cluster, IOptions<GatewayOptions> options, TimeProvider timeProvider, ILogger<ExecutionChangeFeed> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<string, Watch> _watched = new(StringComparer.Ordinal);

    /// <summary>Starts following an execution until the returned watch is disposed (watches of one execution share one entry).</summary>
    public IExecutionWatch Follow(string executionId)
    {
        while (true)
        {
            var watch = _watched.GetOrAdd(executionId, static id => new Watch(id));
            if (watch.TryAddReference())
            {
                return new Lease(this, watch);
            }

            // The entry was being removed by its last watcher's release: take a fresh one.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ends without an exception when stopped: a host that fails to start (its port taken) disposes its services without
        // stopping them, and a background task that ends cancelled then is logged as a failure, stack trace and all.
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PollAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // The streams fall back to their heartbeat reads meanwhile; the next poll tries again.
                    LogPollFailed(logger, ex, _watched.Count);
                }

                await Task.Delay(options.Value.EventPollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, or disposed before the host started.
        }
    }

    /// <summary>One query for every watched execution; each whose version moved wakes its streams.</summary>
    internal async Task PollAsync(CancellationToken cancellationToken)
    {
        if (_watched.IsEmpty)
        {
            return; // no query while nothing is followed
        }

        var watches = _watched.Values.ToList();
        var versions = await cluster.ReadModel.GetVersionsAsync([.. watches.Select(static w => w.ExecutionId)], cancellationToken).ConfigureAwait(false);
        foreach (var watch in watches)
        {
            if (versions.TryGetValue(watch.ExecutionId, out var version))
            {
                watch.Observe(version);
            }
        }
    }

    private void Release(Watch watch)
    {
        if (watch.RemoveReference())
        {
            _watched.TryRemove(new KeyValuePair<string, Watch>(watch.ExecutionId, watch));
        }
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Polling the versions of {Count} watched executions failed; their event streams fall back to heartbeat reads")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, int count);

    /// <summary>The executions one stream follows, shared by every stream of that execution.</summary>
    private sealed class Watch(string executionId)
    {
        private readonly object _gate = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _references;
        private bool _removed;
        private long _version = -1;

        public string ExecutionId { get; } = executionId;

        /// <summary>Completes at the next change seen after this was read.</summary>
        public Task NextChange
        {
            get
            {
                lock (_gate)
                {
                    return _changed.Task;
                }
            }
        }

        public bool TryAddReference()
        {
            lock (_gate)
            {
                if (_removed)
                {
                    return false;
                }

                _references++;
                return true;
            }
        }

        /// <summary>True when this was the last reference: the entry is then dead and must be removed.</summary>
        public bool RemoveReference()
        {
            lock (_gate)
            {
                _references--;
                _removed = _references == 0;
                return _removed;
            }
        }

        public void Observe(long version)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                if (version == _version)
                {
                    return;
                }

                _version = version;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }
    }

    private sealed class Lease(ExecutionChangeFeed feed, Watch watch) : IExecutionWatch
    {
        private int _disposed;

        public Task NextChange => watch.NextChange;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                feed.Release(watch);
            }
        }
    }
}

/// <summary>A stream's hold on an execution's change feed.</summary>
internal interface IExecutionWatch : IDisposable
{
    /// <summary>A task that completes at the first change of the execution seen after it was read: read it before reading the
    /// execution, await it after, and no change falls between the two.</summary>
    Task NextChange { get; }
}
