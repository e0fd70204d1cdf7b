namespace Reev.Cluster.TestKit;

/// <summary>Waits for a condition on the real clock, failing with a description when it never holds.</summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var started = TimeProvider.System.GetTimestamp();
        while (true)
        {
            // A check that never answers (a call whose reply is lost) fails the wait at its timeout, as a check that keeps
            // answering false does, instead of holding the test (and the run) for ever.
            var check = condition();
            var left = timeout - TimeProvider.System.GetElapsedTime(started);
            var bound = left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
            bool holds;
            try
            {
                holds = await check.WaitAsync(bound, TimeProvider.System).ConfigureAwait(false);
            }
            catch (TimeoutException) when (!check.IsCompleted)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:0.#} s: {description} (a check did not answer within {bound.TotalSeconds:0.#} s)");
            }

            if (holds)
            {
                return;
            }

            if (TimeProvider.System.GetElapsedTime(started) > timeout)
            {
                throw new TimeoutException($"Not reached within {timeout.TotalSeconds:0.#} s: {description}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System).ConfigureAwait(false);
        }
    }

    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string description) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, description);
}
