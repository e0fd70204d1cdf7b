using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Reev.Cluster.Gateway.Hosting;

namespace Reev.Cluster.Gateway.Security;

/// <summary>A fixed window of <see cref="GatewayOptions.RateLimitPermits"/> requests per caller, on the injected clock.</summary>
internal sealed class KeyRateLimiter(IOptions<GatewayOptions> options, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private readonly GatewayOptions _options = options.Value;

    /// <summary>Takes a permit for <paramref name="caller"/>, or says how long until the window resets.</summary>
    public bool TryAcquire(string caller, out TimeSpan retryAfter)
    {
        var now = timeProvider.GetUtcNow();
        var window = _windows.GetOrAdd(caller, static (_, start) => new Window(start), now);
        lock (window)
        {
            if (now - window.Start >= _options.RateLimitWindow)
            {
                window.Start = now;
                window.Count = 0;
            }

            if (window.Count < _options.RateLimitPermits)
            {
                window.Count++;
                retryAfter = TimeSpan.Zero;
                return true;
            }

            retryAfter = window.Start + _options.RateLimitWindow - now;
            return false;
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; set; } = start;

        public int Count { get; set; }
    }
}
