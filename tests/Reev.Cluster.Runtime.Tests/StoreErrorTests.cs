using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;
using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Postgres;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// Errors of the store on the turn path (DESIGN R4): a commit that fails the same way every time fails its own turn
/// alone, which ends as a dead letter, while the turns it shared a transaction with commit once; a commit whose outcome
/// stays unknown ends the same way after a few tries; a state read that fails for the database's reasons is retried
/// without counting against the message; a send the store cannot bind fails alone.
/// </summary>
public abstract class StoreErrorTests(Provider provider, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_turn_whose_writes_cannot_be_bound_is_dead_lettered_alone_and_its_batch_mates_run_once()
    {
        var faults = new StoreFaults();
        await using var handle = await StartAsync(faults);
        var silo = handle.Cluster.Silos[0];
        var suffix = Guid.NewGuid().ToString("N");
        var poison = $"poison-{suffix}";
        var mates = Enumerable.Range(0, 50).Select(i => $"mate-{i}-{suffix}").ToList();
        var shared = 0;
        // Npgsql refuses such a value while binding the batch's parameters: the same writes fail the same way every time.
        faults.Commit = turns =>
        {
            if (!turns.Any(t => t.Grain.Key == poison && IsTurn(t)))
            {
                return null;
            }

            if (turns.Count > 1)
            {
                Volatile.Write(ref shared, 1);
            }

            return new ArgumentException(
                "Cannot write DateTimeOffset with Offset=02:00:00 to PostgreSQL type 'timestamp with time zone', only offset 0 (UTC) is supported. (injected)");
        };

        await SendTogetherAsync(silo, handle.Client, mates, poison);

        var dead = await DeadLetterOfAsync(silo, poison);
        Assert.Equal(TestCluster.FastOptions().MaxAttempts, dead.Attempts);
        Assert.Contains("DateTimeOffset", dead.Error, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref shared)); // the poisoned turn did share a transaction with others
        await AssertRanOnceAsync(handle, mates);
        Assert.Single(await silo.GetDeadLettersAsync(100, default));
    }

    [Fact]
    public async Task A_turn_whose_commit_keeps_ending_without_an_answer_is_dead_lettered_after_a_few_and_its_batch_mates_commit_once()
    {
        var faults = new StoreFaults();
        await using var handle = await StartAsync(faults);
        var silo = handle.Cluster.Silos[0];
        var suffix = Guid.NewGuid().ToString("N");
        var poison = $"lost-{suffix}";
        var mates = Enumerable.Range(0, 30).Select(i => $"mate-{i}-{suffix}").ToList();
        var runs = 0;
        // The connection dies during every commit of that turn (for instance a commit that makes the server drop it).
        faults.Commit = turns =>
        {
            if (!turns.Any(t => t.Grain.Key == poison && IsTurn(t)))
            {
                return null;
            }

            Interlocked.Increment(ref runs);
            return new IOException("connection lost during the commit (injected)");
        };

        await SendTogetherAsync(silo, handle.Client, mates, poison);

        var dead = await DeadLetterOfAsync(silo, poison);
        var maxAttempts = TestCluster.FastOptions().MaxAttempts;
        Assert.Equal(maxAttempts, dead.Attempts);
        Assert.Contains("ended without an answer", dead.Error, StringComparison.Ordinal);
        Assert.Contains("connection lost during the commit", dead.Error, StringComparison.Ordinal);
        // The first few unknown outcomes are free (a connection can die at any commit); each one after counts as an attempt.
        Assert.Equal(Silo.UnknownOutcomesForgiven + maxAttempts, Volatile.Read(ref runs));
        var states = await Task.WhenAll(mates.Select(k => handle.Client.GetGrain<ICounterGrain>(k).Read()));
        Assert.All(states, s => Assert.Equal((1, 1, 0), (s.Count, s.LastSequence, s.Repeats)));
        Assert.Single(await silo.GetDeadLettersAsync(100, default));
    }

    [Fact]
    public async Task A_state_read_that_times_out_is_retried_without_counting_against_the_message()
    {
        var faults = new StoreFaults();
        await using var handle = await StartAsync(faults);
        var silo = handle.Cluster.Silos[0];
        var key = $"slow-{Guid.NewGuid():N}";
        var failures = 0;
        faults.ReadState = grain => grain.Key == key && Interlocked.Increment(ref failures) <= 5
            ? new TimeoutException("state read timed out (injected)")
            : null;
        var counter = handle.Client.GetGrain<ICounterGrain>(key);

        await counter.Increment(1);
        var state = await counter.Read();

        Assert.Equal((1, 1, 0, 0), (state.Count, state.LastSequence, state.Repeats, state.Gaps));
        Assert.True(Volatile.Read(ref failures) > 5);
        Assert.Empty(await silo.GetDeadLettersAsync(100, default));
    }

    [Fact]
    public async Task A_send_the_store_cannot_bind_fails_alone_and_concurrent_sends_still_commit()
    {
        var faults = new StoreFaults();
        await using var handle = await StartAsync(faults);
        var suffix = Guid.NewGuid().ToString("N");
        var bad = $"unbindable-{suffix}";
        // A value Npgsql cannot encode fails while the INSERT's parameters are bound, before anything reaches the server.
        faults.Enqueue = messages => messages.Any(m => m.GrainKey == bad)
            ? new EncoderFallbackException("Unable to translate Unicode character \\uD800 (injected)")
            : null;
        var good = Enumerable.Range(0, 20).Select(i => handle.Client.GetGrain<ICounterGrain>($"good-{i}-{suffix}")).ToList();

        var sends = good.Select(g => g.Increment(1)).ToList();
        var badSend = Record.ExceptionAsync(() => handle.Client.GetGrain<ICounterGrain>(bad).Increment(1));
        sends.AddRange(good.Select(g => g.Increment(2)));
        await Task.WhenAll(sends);

        var ex = Assert.IsType<ClusterUnavailableException>(await badSend);
        Assert.Contains(bad, ex.Message, StringComparison.Ordinal);
        var states = await Task.WhenAll(good.Select(g => g.Read()));
        Assert.All(states, s => Assert.Equal((2, 0), (s.Count, s.Gaps)));
    }

    /// <summary>A turn, not the record of a failed attempt or a dead letter.</summary>
    private protected static bool IsTurn(TurnCommit turn) => turn.FailedAttemptError is null && turn.DeadLetterError is null;

    /// <summary>Sends one increment to each mate and one to <paramref name="last"/>, all committed in one transaction.</summary>
    private protected static Task SendTogetherAsync(Silo silo, IGrainFactory client, IReadOnlyList<string> mates, string last) =>
        SendTogetherAsync(silo, client, () =>
        {
            var sends = mates.Select(k => client.GetGrain<ICounterGrain>(k).Increment(1)).ToList();
            sends.Add(client.GetGrain<ICounterGrain>(last).Increment(1));
            return sends;
        });

    /// <summary>
    /// Makes the sends of <paramref name="send"/> and holds commits back until every one of their turns waits for its
    /// commit: the silo's one commit lane (see <see cref="StartAsync"/>) waits at the gate with a warm-up turn, and the
    /// turns gathered behind it then commit in one transaction (up to <see cref="SiloOptions.CommitBatchSize"/>).
    /// </summary>
    private protected static async Task SendTogetherAsync(Silo silo, IGrainFactory client, Func<List<Task>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        silo.TestHooks.BeforeCommitAsync = _ => gate.Task;
        try
        {
            await client.GetGrain<ICounterGrain>($"warm-up-{Guid.NewGuid():N}").Increment(1);
            await WhileTurnsGatherAsync(silo, 1);
            var sends = send();
            await Task.WhenAll(sends);
            await WhileTurnsGatherAsync(silo, 1 + sends.Count);
        }
        finally
        {
            gate.TrySetResult();
        }
    }

    /// <summary>
    /// Waits until every message sent is in an activation (a newly owned partition's messages come with a sweep), then a
    /// little more for the turns to run up to their commit.
    /// </summary>
    private protected static async Task WhileTurnsGatherAsync(Silo silo, int messages)
    {
        await Eventually.HoldsAsync(() => silo.QueuedMessages >= messages, Patience, "every message is dispatched");
        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System);
    }

    private protected static async Task<DeadLetter> DeadLetterOfAsync(Silo silo, string key)
    {
        DeadLetter? dead = null;
        await Eventually.HoldsAsync(
            async () => (dead = (await silo.GetDeadLettersAsync(100, default)).SingleOrDefault(d => d.GrainKey == key)) is not null,
            Patience,
            $"{key} is dead-lettered");
        return dead!;
    }

    /// <summary>Each counter committed its one increment once, on its first activation: no turn of it ran again.</summary>
    private protected static async Task AssertRanOnceAsync(ClusterHandle handle, IReadOnlyList<string> keys)
    {
        var states = await Task.WhenAll(keys.Select(k => handle.Client.GetGrain<ICounterGrain>(k).Read()));
        Assert.All(states, s => Assert.Equal((1, 1, 0, 1), (s.Count, s.LastSequence, s.Repeats, s.Activations)));
    }

    private protected Task<ClusterHandle> StartAsync(
        StoreFaults faults,
        Func<PostgresClusterProvider, PostgresClusterProvider>? postgres = null,
        [System.Runtime.CompilerServices.CallerMemberName] string purpose = "") =>
        Clusters.StartAsync(
            provider,
            output,
            configure: o => o.CommitLanes = 1, // see SendTogetherAsync
            wrap: p => new FaultyProvider(p, faults),
            postgres: postgres,
            purpose: purpose);

    /// <summary>Errors a test makes the store raise: a function returns the exception for a call, or null to let it through.</summary>
    private protected sealed class StoreFaults
    {
        public Func<IReadOnlyList<TurnCommit>, Exception?>? Commit { get; set; }

        public Func<GrainId, Exception?>? ReadState { get; set; }

        public Func<IReadOnlyList<OutboundMessage>, Exception?>? Enqueue { get; set; }
    }

    private sealed class FaultyProvider(ClusterProvider inner, StoreFaults faults) : ClusterProvider
    {
        internal override IRuntimeStore CreateStore(int partitionCount, TimeProvider timeProvider, ILoggerFactory loggerFactory) =>
            new Store(inner.CreateStore(partitionCount, timeProvider, loggerFactory), faults);

        private sealed class Store(IRuntimeStore store, StoreFaults faults) : DelegatingRuntimeStore(store)
        {
            public override Task<CommitResult> CommitAsync(string siloId, IReadOnlyList<PartitionLease> fence, IReadOnlyList<TurnCommit> turns, CancellationToken cancellationToken) =>
                faults.Commit?.Invoke(turns) is { } ex ? Task.FromException<CommitResult>(ex) : base.CommitAsync(siloId, fence, turns, cancellationToken);

            public override Task<StoredState?> ReadStateAsync(GrainId grain, CancellationToken cancellationToken) =>
                faults.ReadState?.Invoke(grain) is { } ex ? Task.FromException<StoredState?>(ex) : base.ReadStateAsync(grain, cancellationToken);

            public override Task<long[]> EnqueueAsync(IReadOnlyList<OutboundMessage> messages, CancellationToken cancellationToken) =>
                faults.Enqueue?.Invoke(messages) is { } ex ? Task.FromException<long[]>(ex) : base.EnqueueAsync(messages, cancellationToken);
        }
    }
}

public sealed class InMemoryStoreErrorTests(ITestOutputHelper output) : StoreErrorTests(Provider.InMemory, output);

/// <summary>The same, and errors PostgreSQL itself raises for what a read-model writer adds to a turn's transaction.</summary>
public sealed class PostgresStoreErrorTests(ITestOutputHelper output) : StoreErrorTests(Provider.Postgres, output)
{
    [Theory]
    [InlineData("cardinality", "21000")] // more than one row returned by a subquery used as an expression
    [InlineData("undefined", "42P01")] // a table no migration created
    [InlineData("unsupported", "0A000")] // a feature PostgreSQL does not support
    [InlineData("offset", "DateTimeOffset")] // a parameter Npgsql refuses to bind (ArgumentException)
    public async Task A_read_model_write_PostgreSQL_refuses_fails_its_own_turn_alone(string kind, string expected)
    {
        var faults = new StoreFaults();
        await using var handle = await StartAsync(faults, p => p.AddReadModelWriter(new TroubleRowWriter()));
        var silo = handle.Cluster.Silos[0];
        var suffix = Guid.NewGuid().ToString("N");
        var poison = $"{kind}-{suffix}";
        var rows = Enumerable.Range(0, 5).Select(i => $"good-{i}-{suffix}").ToList();
        var mates = Enumerable.Range(0, 20).Select(i => $"mate-{i}-{suffix}").ToList();
        var shared = 0;
        silo.TestHooks.CommitCompleted = (outcome, turns) =>
        {
            if (outcome == CommitOutcome.Rejected && turns > 1)
            {
                Volatile.Write(ref shared, 1);
            }
        };

        await SendTogetherAsync(silo, handle.Client, () =>
        {
            var sends = mates.Select(k => handle.Client.GetGrain<ICounterGrain>(k).Increment(1)).ToList();
            sends.AddRange(rows.Select(k => handle.Client.GetGrain<ITroubleGrain>(k).ProjectRow()));
            sends.Add(handle.Client.GetGrain<ITroubleGrain>(poison).ProjectRow());
            return sends;
        });

        var dead = await DeadLetterOfAsync(silo, poison);
        Assert.Equal("ProjectRow", dead.Method);
        Assert.Equal(TestCluster.FastOptions().MaxAttempts, dead.Attempts);
        Assert.Contains(expected, dead.Error, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref shared)); // refused with its batch-mates first, then halved down to itself
        await AssertRanOnceAsync(handle, mates);
        Assert.All(await Task.WhenAll(rows.Select(k => handle.Client.GetGrain<ITroubleGrain>(k).Read())), s => Assert.Equal(1, s.Touches));
        Assert.Equal(0, (await handle.Client.GetGrain<ITroubleGrain>(poison).Read()).Touches);
        Assert.Single(await silo.GetDeadLettersAsync(100, default));
    }

    /// <summary>Writes nothing for a good row; for a row whose key names a kind of error, adds a statement that raises it.</summary>
    private sealed class TroubleRowWriter : IPostgresReadModelWriter
    {
        public Type RowType => typeof(TroubleRow);

        public void AddCommands(NpgsqlBatch batch, IReadOnlyList<IReadModelRow> rows)
        {
            foreach (var row in rows)
            {
                var cmd = row.Key.Split('-')[0] switch
                {
                    "cardinality" => new NpgsqlBatchCommand("SELECT (SELECT 1 UNION ALL SELECT 2)"),
                    "undefined" => new NpgsqlBatchCommand("SELECT count(*) FROM trouble_rows_never_created"),
                    "unsupported" => new NpgsqlBatchCommand("SELECT 1 UNION SELECT 2 FOR UPDATE"),
                    "offset" => new NpgsqlBatchCommand("SELECT @at") { Parameters = { new NpgsqlParameter("at", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(2))) } },
                    _ => new NpgsqlBatchCommand("SELECT @k") { Parameters = { new NpgsqlParameter("k", row.Key) } },
                };
                batch.BatchCommands.Add(cmd);
            }
        }
    }
}

/// <summary>How store errors are sorted (see the runtime README, "Store errors").</summary>
public sealed class StoreErrorClassificationTests
{
    [Theory]
    [InlineData("40001", true)]
    [InlineData("40P01", true)]
    [InlineData("53300", true)]
    [InlineData("57P01", true)]
    [InlineData("08006", true)]
    [InlineData("58030", true)]
    [InlineData("22021", false)]
    [InlineData("23505", false)]
    [InlineData("21000", false)]
    [InlineData("42P01", false)]
    [InlineData("0A000", false)]
    [InlineData("57014", false)] // a statement timeout of a commit: halved, so only a turn that times out alone counts
    public void A_commit_error_passes_only_for_the_database_s_conditions(string sqlState, bool transient) =>
        Assert.Equal(transient, StoreErrors.IsTransientSqlState(sqlState));

    [Fact]
    public void Binding_errors_and_read_failures_are_told_apart()
    {
        Assert.True(StoreErrors.IsBindingError(new EncoderFallbackException("lone surrogate")));
        Assert.True(StoreErrors.IsBindingError(new ArgumentException("offset")));
        Assert.True(StoreErrors.IsBindingError(new OverflowException()));
        Assert.False(StoreErrors.IsBindingError(new IOException()));
        Assert.True(StoreErrors.IsTransient(new TimeoutException()));
        Assert.True(StoreErrors.IsTransient(new NpgsqlException("Exception while reading from stream", new IOException())));
        Assert.False(StoreErrors.IsTransient(new InvalidOperationException()));
    }

    // Not as attribute arguments: an attribute's strings are stored as UTF-8, which has no lone surrogate.
    private static readonly string[] Unpaired = ["a\uD800", "\uDC00a", "a\uDE00\uD83D"];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_key_with_an_unpaired_surrogate_is_refused(int index) =>
        Assert.Contains("unpaired surrogate", Assert.Throws<ArgumentException>(() => GrainId.ValidateKey(Unpaired[index])).Message, StringComparison.Ordinal);

    [Fact]
    public void A_key_with_a_surrogate_pair_is_accepted() => GrainId.ValidateKey("rocket-\uD83D\uDE80");
}
