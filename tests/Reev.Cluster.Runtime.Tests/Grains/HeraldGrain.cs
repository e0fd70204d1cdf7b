using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>A grain that announces each activation to its inbox (a relay grain) from <c>OnActivateAsync</c>.</summary>
public interface IHeraldGrain : IGrain
{
    /// <summary>Throws on its first attempt (a failed turn), then returns the attempt that succeeded.</summary>
    Task<int> WorkFailingOnce();
}

public sealed class HeraldGrain : Grain, IHeraldGrain
{
    private static readonly ConcurrentDictionary<string, int> Attempts = new(StringComparer.Ordinal);

    /// <summary>The relay grain that receives the announcements of herald <paramref name="key"/>.</summary>
    public static string InboxOf(string key) => $"{key}-inbox";

    public override Task OnActivateAsync(CancellationToken cancellationToken) =>
        GrainFactory.GetGrain<IRelayGrain>(InboxOf(GrainKey)).TakeNote(new Note($"{GrainKey} activated", Guid.NewGuid()));

    public Task<int> WorkFailingOnce()
    {
        var attempt = Attempts.AddOrUpdate(GrainKey, 1, (_, n) => n + 1);
        if (attempt == 1)
        {
            throw new InvalidOperationException("the first attempt fails");
        }

        return Task.FromResult(attempt);
    }
}
