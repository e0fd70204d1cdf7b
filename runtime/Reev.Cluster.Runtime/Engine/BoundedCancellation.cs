namespace Reev.Cluster.Runtime.Engine;

/// <summary>Cancellation whose caller does not wait for ever on the callbacks of others.</summary>
internal static class BoundedCancellation
{
    /// <summary>How long an ending silo, client or store waits for the callbacks of its cancellation.</summary>
    public static readonly TimeSpan CallbackWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Cancels <paramref name="source"/> and waits at most <see cref="CallbackWait"/> for its callbacks. They include
    /// drivers' (a command's cancel request to the server), and one that blocks must not hold a stop, a kill or a store's
    /// end for ever; a callback that throws is observed, as in <see cref="Activation.CancelInBackground"/>.
    /// </summary>
    public static async Task CancelWithinBoundAsync(this CancellationTokenSource source)
    {
        var cancel = source.CancelAsync();
        try
        {
            await cancel.WaitAsync(CallbackWait).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Activation.ObserveFault(cancel);
        }
        catch (AggregateException)
        {
            // A callback failed; cancellation itself is done.
        }
    }
}
