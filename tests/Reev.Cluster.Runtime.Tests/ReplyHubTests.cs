using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Messaging;
using Reev.Cluster.TestKit;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>The process-wide table of local clients: a registration is removed only by its owner.</summary>
public sealed class ReplyHubTests
{
    [Fact]
    public async Task Unregister_AnOlderRegistrationOfTheSameClientId_KeepsTheNewerOne()
    {
        var clientId = $"client-{Guid.NewGuid():N}";
        var (older, newer) = (new PendingReplies(), new PendingReplies());
        var requestId = Guid.NewGuid();
        ReplyHub.Register(clientId, older);
        ReplyHub.Register(clientId, newer);
        var ask = newer.RegisterAsync(requestId);

        ReplyHub.Unregister(clientId, older);
        var stillLocal = ReplyHub.IsLocal(clientId);
        ReplyHub.Deliver(clientId, requestId, "42", null);
        var delivered = ask.IsCompletedSuccessfully; // Deliver completes the ask before it returns
        ReplyHub.Unregister(clientId, newer);

        Assert.True(stillLocal, "the newer registration must survive the older one's removal");
        Assert.True(delivered, "a reply to the newer registration's ask is delivered to it");
        Assert.Equal(("42", (string?)null), await ask);
        Assert.False(ReplyHub.IsLocal(clientId), "its owner removes the newer registration");
    }

    [Fact]
    public async Task StopAsync_OfASiloWhoseIdWasTakenByANewerSilo_LeavesTheNewerSilosRegistration()
    {
        var provider = new InMemoryClusterProvider();
        var options = TestCluster.FastOptions();
        options.SiloId = $"restart-{Guid.NewGuid():N}"[..16];
        var clientId = $"{options.SiloId}-client";
        await using var first = Silo.Create(options, provider, Clusters.Grains());
        await first.StartAsync(default);

        // A restart in one process: the new silo is created (and registers) before the old one has stopped.
        var second = Silo.Create(options, provider, Clusters.Grains());
        await first.StopAsync(default);
        var afterTheOldStopped = ReplyHub.IsLocal(clientId);
        await second.DisposeAsync(); // never started: its registration goes with it
        var afterTheNewWentToo = ReplyHub.IsLocal(clientId);

        Assert.True(afterTheOldStopped, $"{clientId} is still registered by the newer silo after the older one stopped");
        Assert.False(afterTheNewWentToo, $"{clientId} is unregistered once the newer silo is disposed too");
    }
}
