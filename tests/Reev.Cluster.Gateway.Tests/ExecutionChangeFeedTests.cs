using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Reev.Cluster.Client;
using Reev.Cluster.Client.ReadModels;
using Reev.Cluster.Gateway.Executions;
using Reev.Cluster.Gateway.Hosting;
using Reev.Cluster.Runtime;

namespace Reev.Cluster.Gateway.Tests;

/// <summary>The feed that wakes event streams when their execution changed, against a read model whose versions the test sets.</summary>
public sealed class ExecutionChangeFeedTests
{
    [Fact]
    public async Task A_change_of_version_wakes_the_watch_and_an_unchanged_version_does_not()
    {
        var versions = new VersionTable();
        using var feed = NewFeed(versions);
        using var watch = feed.Follow("e1");

        var first = watch.NextChange;
        await feed.PollAsync(CancellationToken.None);
        Assert.False(first.IsCompleted); // no row yet: nothing to compare

        versions["e1"] = 1;
        await feed.PollAsync(CancellationToken.None);
        Assert.True(first.IsCompleted); // the first version seen counts as a change: the stream reads once more

        var second = watch.NextChange;
        await feed.PollAsync(CancellationToken.None);
        Assert.False(second.IsCompleted);

        versions["e1"] = 2;
        await feed.PollAsync(CancellationToken.None);
        Assert.True(second.IsCompleted);
        Assert.Equal(4, versions.Queries);
    }

    [Fact]
    public async Task Disposed_without_a_stop_it_ends_without_an_exception()
    {
        // What a host that fails to start does (its port taken): it disposes its services without stopping them, and
        // logs a background task that ended cancelled as a failure, with its stack trace, on the silo's one-line error.
        var versions = new VersionTable { ["e1"] = 1 };
        var feed = NewFeed(versions);
        using var watch = feed.Follow("e1");
        await feed.StartAsync(CancellationToken.None);
        await Reev.Cluster.TestKit.Eventually.HoldsAsync(() => versions.Queries > 0, TimeSpan.FromSeconds(10), "the feed polls");

        feed.Dispose();
        var ended = await Task.WhenAny(feed.ExecuteTask!, Task.Delay(TimeSpan.FromSeconds(10), TimeProvider.System));

        Assert.Same(feed.ExecuteTask, ended);
        Assert.True(feed.ExecuteTask!.IsCompletedSuccessfully, $"the feed's task ended {feed.ExecuteTask.Status}");
    }

    [Fact]
    public async Task A_change_between_taking_the_task_and_awaiting_it_is_not_lost()
    {
        var versions = new VersionTable { ["e1"] = 1 };
        using var feed = NewFeed(versions);
        using var watch = feed.Follow("e1");
        await feed.PollAsync(CancellationToken.None);

        var changed = watch.NextChange; // the stream takes it, then reads the execution ...
        versions["e1"] = 2;
        await feed.PollAsync(CancellationToken.None); // ... and the change lands before it awaits
        await changed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Watches_of_one_execution_share_one_entry_which_leaves_with_the_last()
    {
        var versions = new VersionTable { ["e1"] = 1, ["e2"] = 1 };
        using var feed = NewFeed(versions);
        var a = feed.Follow("e1");
        var b = feed.Follow("e1");
        using var other = feed.Follow("e2");
        await feed.PollAsync(CancellationToken.None);
        Assert.Equal(["e1", "e2"], versions.LastAsked.Order(StringComparer.Ordinal));

        a.Dispose();
        a.Dispose(); // twice changes nothing
        var changed = b.NextChange;
        versions["e1"] = 2;
        await feed.PollAsync(CancellationToken.None);
        Assert.True(changed.IsCompleted); // b still follows e1

        b.Dispose();
        await feed.PollAsync(CancellationToken.None);
        Assert.Equal(["e2"], versions.LastAsked);

        using var again = feed.Follow("e1"); // following it again starts a fresh entry
        await feed.PollAsync(CancellationToken.None);
        Assert.Equal(["e1", "e2"], versions.LastAsked.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_running_feed_polls_while_there_are_watches_and_survives_a_failing_read_model()
    {
        var versions = new VersionTable { Failing = true };
        using var feed = NewFeed(versions);
        await feed.StartAsync(CancellationToken.None);
        try
        {
            using var watch = feed.Follow("e1");
            var changed = watch.NextChange;
            await Reev.Cluster.TestKit.Eventually.HoldsAsync(() => Task.FromResult(versions.Queries >= 2), TimeSpan.FromSeconds(10), "the feed polls again after a failure");
            Assert.False(changed.IsCompleted);

            versions.Failing = false;
            versions["e1"] = 7;
            await changed.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            await feed.StopAsync(CancellationToken.None);
        }
    }

    private static ExecutionChangeFeed NewFeed(VersionTable versions) => new(
        new VersionsOnlyCluster(versions),
        Options.Create(new GatewayOptions { EventPollInterval = TimeSpan.FromMilliseconds(20) }),
        TimeProvider.System,
        NullLogger<ExecutionChangeFeed>.Instance);

    private sealed class VersionTable : IExecutionReadModel
    {
        private readonly ConcurrentDictionary<string, long> _rows = new(StringComparer.Ordinal);
        private int _queries;

        public long this[string id] { set => _rows[id] = value; }

        public bool Failing { get; set; }

        public int Queries => Volatile.Read(ref _queries);

        public IReadOnlyList<string> LastAsked { get; private set; } = [];

        public Task<IReadOnlyDictionary<string, long>> GetVersionsAsync(IReadOnlyCollection<string> executionIds, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _queries);
            LastAsked = [.. executionIds];
            if (Failing)
            {
                throw new InvalidOperationException("the read model is unreachable");
            }

            return Task.FromResult<IReadOnlyDictionary<string, long>>(executionIds.Where(_rows.ContainsKey).ToDictionary(id => id, id => _rows[id], StringComparer.Ordinal));
        }

        public Task<ExecutionPage> ListExecutionsAsync(ExecutionListQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ExecutionSummary?> GetExecutionAsync(string executionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StepSessionSummary>> ListStepSessionsAsync(string executionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<StepSessionSummary?> GetStepSessionAsync(string sessionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ConsolidatedSessionSummary?> GetConsolidatedByExecutionAsync(string executionId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<ConsolidatedSessionSummary?> GetConsolidatedBySessionIdAsync(string consolidatedSessionId, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class VersionsOnlyCluster(IExecutionReadModel readModel) : IReevCluster
    {
        public IGrainFactory Grains => throw new NotSupportedException("the feed never asks a grain");

        public IExecutionReadModel ReadModel => readModel;

        public Task<ClusterReadiness> CheckReadinessAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
