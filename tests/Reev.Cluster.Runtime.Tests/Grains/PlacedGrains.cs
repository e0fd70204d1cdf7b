using System.Collections.Concurrent;

namespace Reev.Cluster.Runtime.Tests.Grains;

/// <summary>Sends to grains placed with it (followers) and to grains placed by their own keys (strays).</summary>
[GrainType("lead")]
public interface ILeadGrain : IGrain
{
    Task SendToFollowers(int count);

    Task SendToStrays(int count);
}

/// <summary>Placed with the lead named by its key's part before the '/' (ADR 0015).</summary>
[GrainType("follower")]
[PartitionWith(typeof(ILeadGrain), typeof(BeforeSlash))]
public interface IFollowerGrain : IGrain
{
    Task Take();
}

/// <summary>The same keys as the followers, but placed by its own key.</summary>
[GrainType("stray")]
public interface IStrayGrain : IGrain
{
    Task Take();
}

public sealed class BeforeSlash : IPartitionAnchorKey
{
    public string AnchorOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? key : key[..slash];
    }
}

public sealed class LeadGrain : Grain, ILeadGrain
{
    public async Task SendToFollowers(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await GrainFactory.GetGrain<IFollowerGrain>($"{GrainKey}/{i}").Take();
        }
    }

    public async Task SendToStrays(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await GrainFactory.GetGrain<IStrayGrain>($"{GrainKey}/{i}").Take();
        }
    }
}

/// <summary>Records the silo each follower and stray ran on (process-wide, by "type/key").</summary>
public sealed class FollowerGrain(SiloName silo) : Grain, IFollowerGrain
{
    /// <summary>The silo a grain ran on; "a,b" if it ran on two, which no assertion of one silo then accepts.</summary>
    public static readonly ConcurrentDictionary<string, string> TakenOn = new(StringComparer.Ordinal);

    /// <summary>How many turns each grain ran.</summary>
    public static readonly ConcurrentDictionary<string, int> Turns = new(StringComparer.Ordinal);

    public static void Record(string grain, string silo)
    {
        Turns.AddOrUpdate(grain, 1, (_, n) => n + 1);
        TakenOn.AddOrUpdate(grain, silo, (_, before) => before.Split(',').Contains(silo) ? before : $"{before},{silo}");
    }

    public Task Take()
    {
        Record($"follower/{GrainKey}", silo.Value);
        return Task.CompletedTask;
    }
}

public sealed class StrayGrain(SiloName silo) : Grain, IStrayGrain
{
    public Task Take()
    {
        FollowerGrain.Record($"stray/{GrainKey}", silo.Value);
        return Task.CompletedTask;
    }
}
