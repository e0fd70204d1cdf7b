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
    /// <param name="bound">
    /// Ends the wait early, as the silo's stop does (a graceful stop's deadline for deactivations); the code is abandoned.
    /// </param>
    private async Task AwaitGrainCodeAsync(
        Task work, Activation activation, TurnContext? turn, string method, long started, CancellationToken bound = default)
    {
        // The silo's stop (or the bound) ends the wait, and the catch below abandons the code, which cancels its token: the
        // grain's code still running when the silo stops has its token cancelled, as when grains got the silo's own token.
        var giveUp = bound.CanBeCanceled ? bound : _stopping.Token;
        try
        {
            if (Options.TurnTimeout == Timeout.InfiniteTimeSpan)
            {
                await work.WaitAsync(giveUp).ConfigureAwait(false);
            }
            else
            {
                var left = Options.TurnTimeout - TimeProvider.GetElapsedTime(started);
                await work.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, TimeProvider, giveUp).ConfigureAwait(false);
            }
        }
        catch (TimeoutException) when (!work.IsCompleted)
        {
            Abandon(work, activation, turn);
            RuntimeTelemetry.TurnsTimedOut.Add(1, new KeyValuePair<string, object?>("phase", turn is null ? "deactivation" : "turn"));
            throw new TurnTimeoutException(activation.Id, method, Options.TurnTimeout);
        }
        catch (OperationCanceledException) when (giveUp.IsCancellationRequested && !work.IsCompleted)
        {
            // The silo stops (or the bound passed): the worker does not wait for the code, whose token is cancelled.
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
        Activation.ObserveFault(work);
    }
}
