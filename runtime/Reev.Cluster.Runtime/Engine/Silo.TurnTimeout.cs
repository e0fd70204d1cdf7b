using Reev.Cluster.Runtime.Diagnostics;
using Reev.Cluster.Runtime.Engine;

namespace Reev.Cluster.Runtime;

/// <summary>
/// The turn timeout (ADR 0014): grain code that does not finish within <see cref="SiloOptions.TurnTimeout"/> is abandoned,
/// not killed. Its token is cancelled, its instance discarded, and the turn counts as a failed attempt; whatever the code
/// does afterwards belongs to no turn and is never committed.
/// </summary>
public sealed partial class Silo
{
    /// <summary>
    /// Waits for grain code that did not finish synchronously (the only case that pays for a timer): returns once it has
    /// ended, however it ended, for the caller to await its outcome. Throws <see cref="TurnTimeoutException"/> when the
    /// deadline, counted from <paramref name="started"/> on the silo's clock, passes first, and the silo's
    /// <see cref="OperationCanceledException"/> when the silo stops first; the code is abandoned in both cases.
    /// </summary>
    /// <param name="turn">The turn the code runs in; null for a deactivation.</param>
    private async Task AwaitGrainCodeAsync(Task work, Activation activation, TurnContext? turn, string method, long started)
    {
        // The silo's stop cancels the token of a turn in progress, as it did when grains got the silo's own token.
        using var stopping = _stopping.Token.UnsafeRegister(
            static source => Activation.CancelInBackground((CancellationTokenSource)source!), activation.TurnCancellation);
        try
        {
            if (Options.TurnTimeout == Timeout.InfiniteTimeSpan)
            {
                await work.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            else
            {
                var left = Options.TurnTimeout - TimeProvider.GetElapsedTime(started);
                await work.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, TimeProvider, _stopping.Token).ConfigureAwait(false);
            }
        }
        catch (TimeoutException) when (!work.IsCompleted)
        {
            Abandon(work, activation, turn);
            RuntimeTelemetry.TurnsTimedOut.Add(1);
            throw new TurnTimeoutException(activation.Id, method, Options.TurnTimeout);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !work.IsCompleted)
        {
            // The silo stops: the worker does not wait for the code. Its token is cancelled here too, not left to the
            // registration above: this wait's own registration (made later) runs first, and may end this method, and
            // dispose that one, before it runs.
            Abandon(work, activation, turn);
            throw;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The code ended as the wait gave up, or ended so itself: its own outcome is what the caller awaits next.
        }
    }

    /// <summary>
    /// Gives grain code up: its turn (if any) is marked so that nothing it still does is taken, the activation drops the
    /// instance (the next attempt builds a fresh one from the committed state), the code's token is cancelled (the next
    /// attempt gets a fresh one), and the code's eventual failure is observed so that it never surfaces as an unobserved
    /// task exception.
    /// </summary>
    private static void Abandon(Task work, Activation activation, TurnContext? turn)
    {
        if (turn is not null)
        {
            turn.Abandoned = true;
        }

        activation.Instance = null;
        activation.CancelAbandonedTurn();
        _ = work.ContinueWith(
            static t => _ = t.Exception,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
