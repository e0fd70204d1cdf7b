using Reev.Cluster.GrainInterfaces;

namespace Reev.Cluster.Cli.Executions;

/// <summary>
/// Follows an execution from outside by polling: its events in order (handed to <paramref name="onEvent"/>), then
/// its view, until the view is final. Polling keeps the CLI a plain client of the grain: no callbacks, no streams.
/// </summary>
internal sealed class ExecutionFollower(IExecutionGrain grain, TimeProvider timeProvider, Action<ExecutionEvent> onEvent)
{
    /// <summary>How often the execution is read; short enough that tool calls appear as they happen.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private const int EventBatch = 200;
    private long _lastSequence;

    /// <summary>
    /// Polls until the execution is final and its consolidation over, and returns that view, every event delivered
    /// before. A cancelled execution is final at once while its consolidation still runs: that is waited for too.
    /// </summary>
    public async Task<ExecutionView> WaitFinalAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await DrainEventsAsync().ConfigureAwait(false);
            var view = await grain.ReadAsync().ConfigureAwait(false);
            if (view is not null && IsSettled(view))
            {
                // Events and view are read in separate turns: whatever happened between them is read now.
                await DrainEventsAsync().ConfigureAwait(false);
                return view;
            }

            await Task.Delay(PollInterval, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The execution as it is now (after delivering its pending events), or null when it was never started.</summary>
    public async Task<ExecutionView?> ReadAsync()
    {
        await DrainEventsAsync().ConfigureAwait(false);
        return await grain.ReadAsync().ConfigureAwait(false);
    }

    private static bool IsSettled(ExecutionView view) =>
        view.IsFinal && view.Consolidation is not { Status: ConsolidationStatus.Pending or ConsolidationStatus.InProgress };

    private async Task DrainEventsAsync()
    {
        while (true)
        {
            var events = await grain.ReadEventsAsync(_lastSequence, EventBatch).ConfigureAwait(false);
            foreach (var executionEvent in events)
            {
                if (executionEvent.Sequence <= _lastSequence)
                {
                    continue;
                }

                _lastSequence = executionEvent.Sequence;
                onEvent(executionEvent);
            }

            if (events.Count < EventBatch)
            {
                return;
            }
        }
    }
}
