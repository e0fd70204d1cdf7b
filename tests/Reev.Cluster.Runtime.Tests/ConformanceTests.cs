using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The runtime contract, run against both providers (DESIGN R9): whatever holds in memory holds
/// on PostgreSQL and the other way round.
/// </summary>
public abstract class ConformanceTests(Provider provider, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private Task<ClusterHandle> StartAsync(Action<SiloOptions>? configure = null, [System.Runtime.CompilerServices.CallerMemberName] string purpose = "") =>
        Clusters.StartAsync(provider, output, 1, configure, purpose: purpose);

    [Fact]
    public async Task State_survives_deactivation()
    {
        await using var handle = await StartAsync();
        var counter = handle.Client.GetGrain<ICounterGrain>($"c-{Guid.NewGuid():N}");
        await counter.Increment(1);
        await counter.Increment(2);
        await counter.Increment(3);
        await counter.Deactivate();

        var state = await counter.Read();

        Assert.Equal(3, state.Count);
        Assert.Equal(3, state.LastSequence);
        Assert.Equal(2, state.Activations); // the turn after Deactivate ran on a fresh activation that loaded the stored state
    }

    [Fact]
    public async Task A_state_that_copies_itself_rolls_back_a_failed_turn_and_survives_deactivation()
    {
        // In memory the committed state is kept as its copy (ADR 0016), on PostgreSQL as JSON: the same behaviour.
        await using var handle = await StartAsync();
        var key = $"notebook-{Guid.NewGuid():N}";
        var notebook = handle.Client.GetGrain<INotebookGrain>(key);
        await notebook.Add("a");
        await notebook.Add("b");
        await notebook.AddThenFail("c");
        await notebook.Add("d");

        Assert.Equal(["a", "b", "d"], await notebook.Read()); // the failed turns' "c" left no trace
        await notebook.Rest();
        Assert.Equal(["a", "b", "d"], await notebook.Read()); // a fresh activation, from the stored state
        var dead = Assert.Single(await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal("AddThenFail", dead.Method);
    }

    [Fact]
    public async Task Idle_activations_are_collected_and_come_back_with_their_state()
    {
        await using var handle = await StartAsync(o => o.IdleTimeout = TimeSpan.FromMilliseconds(400));
        var silo = handle.Cluster.Silos[0];
        var counter = handle.Client.GetGrain<ICounterGrain>($"idle-{Guid.NewGuid():N}");
        await counter.Increment(1);
        Assert.Equal(1, (await counter.Read()).Count);

        await Eventually.HoldsAsync(() => silo.ActivationCount == 0, Patience, "the idle activation is collected");
        var state = await counter.Read();

        Assert.Equal(1, state.Count);
        Assert.Equal(2, state.Activations);
    }

    [Fact]
    public async Task Per_grain_order_holds_under_10000_messages_across_500_grains()
    {
        await using var handle = await StartAsync();
        var keys = Enumerable.Range(0, 500).Select(i => $"order-{i}").ToList();

        await Clusters.SendIncrementsAsync(handle.Client, keys, perGrain: 20);
        var silo = handle.Cluster.Silos[0];
        await Eventually.HoldsAsync(async () => await silo.CountPendingMessagesAsync(default) == 0, TimeSpan.FromSeconds(120), "all 10,000 messages are consumed");

        var states = await Task.WhenAll(keys.Select(k => handle.Client.GetGrain<ICounterGrain>(k).Read()));
        Assert.All(states, s =>
        {
            Assert.Equal(20, s.Count);
            Assert.Equal(20, s.LastSequence);
            Assert.Equal(0, s.Repeats);
            Assert.Equal(0, s.Gaps);
        });
        Assert.Empty(await silo.GetDeadLettersAsync(10, default));
    }

    [Fact]
    public async Task Concurrent_client_sends_to_one_grain_arrive_in_call_order()
    {
        await using var handle = await StartAsync();
        var counter = handle.Client.GetGrain<ICounterGrain>($"burst-{Guid.NewGuid():N}");

        // Not awaited one by one: the sends share INSERTs (group enqueue) and must still keep their call order.
        await Task.WhenAll(Enumerable.Range(1, 300).Select(counter.Increment).ToList());
        var state = await counter.Read();

        Assert.Equal(300, state.Count);
        Assert.Equal(300, state.LastSequence);
        Assert.Equal(0, state.Gaps);
        Assert.Equal(0, state.Repeats);
    }

    [Fact]
    public async Task A_send_the_store_rejects_fails_alone_and_concurrent_sends_still_commit()
    {
        await using var handle = await StartAsync();
        var prefix = $"batch-{Guid.NewGuid():N}";
        var good = Enumerable.Range(0, 50).Select(i => handle.Client.GetGrain<ICounterGrain>($"{prefix}-{i}")).ToList();
        var bad = handle.Client.GetGrain<ICounterGrain>($"{prefix}-nul\0key"); // PostgreSQL text cannot hold NUL

        var sends = good.Select(g => g.Increment(1)).ToList();
        var badSend = bad.Increment(1);
        sends.AddRange(good.Select(g => g.Increment(2)));
        var badOutcome = await Record.ExceptionAsync(() => badSend);
        await Task.WhenAll(sends);

        if (provider == Provider.Postgres)
        {
            var ex = Assert.IsType<ClusterUnavailableException>(badOutcome);
            Assert.Contains("Could not enqueue CounterGrain/", ex.Message, StringComparison.Ordinal);
        }

        var states = await Task.WhenAll(good.Select(g => g.Read()));
        Assert.All(states, s =>
        {
            Assert.Equal(2, s.Count);
            Assert.Equal(0, s.Gaps);
        });
    }

    [Fact]
    public async Task A_key_that_is_not_valid_UTF16_is_refused_naming_it_and_a_concurrent_send_still_commits()
    {
        await using var handle = await StartAsync();
        var prefix = $"utf16-{Guid.NewGuid():N}";
        var good = Enumerable.Range(0, 20).Select(i => handle.Client.GetGrain<ICounterGrain>($"{prefix}-{i}")).ToList();

        // A lone surrogate has no UTF-8 form: PostgreSQL cannot store it, and Npgsql fails the INSERT it would share.
        var sends = good.Select(g => g.Increment(1)).ToList();
        var badSend = Record.ExceptionAsync(() => handle.Client.GetGrain<ICounterGrain>($"{prefix}-\uD800").Increment(1));
        sends.AddRange(good.Select(g => g.Increment(2)));
        await Task.WhenAll(sends);

        var ex = Assert.IsType<ArgumentException>(await badSend);
        Assert.Contains($"{prefix}-\\uD800", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unpaired surrogate", ex.Message, StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(good.Select(g => g.Read())), s => Assert.Equal((2, 0), (s.Count, s.Gaps)));
        Assert.Equal(0, await handle.Cluster.Silos[0].CountPendingMessagesAsync(default));
    }

    [Fact]
    public async Task One_shot_reminder_fires_once()
    {
        await using var handle = await StartAsync();
        var grain = handle.Client.GetGrain<IReminderGrain>($"once-{Guid.NewGuid():N}");

        await grain.Schedule("once", dueMilliseconds: 300, periodMilliseconds: 0);
        await Eventually.HoldsAsync(async () => (await grain.Read()).Ticks.GetValueOrDefault("once") >= 1, Patience, "the one-shot reminder fires");
        await Task.Delay(TimeSpan.FromMilliseconds(1500), TimeProvider.System);

        Assert.Equal(1, (await grain.Read()).Ticks["once"]);
    }

    [Fact]
    public async Task Periodic_reminder_fires_repeatedly_and_stops_when_cancelled()
    {
        await using var handle = await StartAsync();
        var grain = handle.Client.GetGrain<IReminderGrain>($"tick-{Guid.NewGuid():N}");

        await grain.Schedule("tick", dueMilliseconds: 100, periodMilliseconds: 200);
        await Eventually.HoldsAsync(async () => (await grain.Read()).Ticks.GetValueOrDefault("tick") >= 3, Patience, "the periodic reminder fires three times");
        await grain.Cancel("tick");
        await Task.Delay(TimeSpan.FromMilliseconds(500), TimeProvider.System); // a tick fired just before the cancel may still land
        var afterCancel = (await grain.Read()).Ticks["tick"];
        await Task.Delay(TimeSpan.FromMilliseconds(1500), TimeProvider.System);

        Assert.True(afterCancel >= 3);
        Assert.Equal(afterCancel, (await grain.Read()).Ticks["tick"]);
    }

    [Fact]
    public async Task A_rescheduled_reminder_fires_at_its_new_time_only_and_a_cancelled_one_never()
    {
        await using var handle = await StartAsync();
        var grain = handle.Client.GetGrain<IReminderGrain>($"moved-{Guid.NewGuid():N}");

        await grain.Schedule("moved", dueMilliseconds: 1500, periodMilliseconds: 0);
        await grain.Schedule("moved", dueMilliseconds: 200, periodMilliseconds: 0); // the same name again: replaces the first
        await grain.Schedule("cancelled", dueMilliseconds: 400, periodMilliseconds: 0);
        await grain.Cancel("cancelled");
        await grain.Schedule("later", dueMilliseconds: 600, periodMilliseconds: 0);
        await Eventually.HoldsAsync(async () => (await grain.Read()).Ticks.GetValueOrDefault("later") >= 1, Patience, "the later reminder fires");
        var early = (await grain.Read()).Ticks.GetValueOrDefault("moved");
        await Task.Delay(TimeSpan.FromMilliseconds(2000), TimeProvider.System); // past the replaced 1.5 s due time

        var ticks = (await grain.Read()).Ticks;
        Assert.Equal(1, early); // fired at its new, earlier time
        Assert.Equal(1, ticks["moved"]); // and not again at the replaced one
        Assert.Equal(1, ticks["later"]);
        Assert.False(ticks.ContainsKey("cancelled"));
    }

    [Fact]
    public async Task Ask_from_a_grain_is_refused_with_a_clear_error()
    {
        await using var handle = await StartAsync();
        var grain = handle.Client.GetGrain<ITroubleGrain>($"asker-{Guid.NewGuid():N}");

        await grain.AskFromInside("someone");
        var state = await grain.Read();

        Assert.Equal(nameof(GrainCallException), state.AskErrorType);
        Assert.Contains("grains may not await other grains", state.AskError, StringComparison.Ordinal);
        Assert.Contains("CounterGrain/someone.Read", state.AskError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Poison_message_is_dead_lettered_and_the_next_message_still_runs()
    {
        await using var handle = await StartAsync();
        var key = $"poison-{Guid.NewGuid():N}";
        var grain = handle.Client.GetGrain<ITroubleGrain>(key);

        await grain.Fail("bad input 42");
        await grain.Touch();
        var state = await grain.Read();

        Assert.Equal(1, state.Touches);
        Assert.Equal(0, state.FailuresSeen); // the failed turns left no trace in the state
        var dead = Assert.Single(await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal("TroubleGrain", dead.GrainType);
        Assert.Equal("Fail", dead.Method);
        Assert.Equal(TestCluster.FastOptions().MaxAttempts, dead.Attempts);
        Assert.Contains("poison: bad input 42", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_the_serializer_cannot_write_fails_its_attempts_and_the_grain_goes_on()
    {
        await using var handle = await StartAsync();
        var key = $"nan-{Guid.NewGuid():N}";
        var grain = handle.Client.GetGrain<ITroubleGrain>(key);

        await grain.WriteNotANumber();
        await grain.Touch();
        var state = await grain.Read();

        Assert.Equal(1, state.Touches);
        Assert.Equal(0, state.Ratio); // the failed turns left no trace
        var dead = Assert.Single(await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal("WriteNotANumber", dead.Method);
        Assert.Equal(TestCluster.FastOptions().MaxAttempts, dead.Attempts);
        Assert.Contains("JSON", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_projection_that_is_not_a_read_model_row_fails_its_turn_with_a_clear_error()
    {
        await using var handle = await StartAsync();
        var key = $"row-{Guid.NewGuid():N}";
        var grain = handle.Client.GetGrain<ITroubleGrain>(key);

        await grain.ProjectNonRow();
        await grain.Touch();

        Assert.Equal(1, (await grain.Read()).Touches);
        var dead = Assert.Single(await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal("ProjectNonRow", dead.Method);
        Assert.Contains("TroubleState is not a read-model row", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_whose_text_holds_NUL_is_recorded_and_dead_lettered_like_any_other()
    {
        // PostgreSQL's text refuses NUL: recording the failed attempt must not fail the way the turn did.
        await using var handle = await StartAsync();
        var key = $"nul-{Guid.NewGuid():N}";
        var grain = handle.Client.GetGrain<ITroubleGrain>(key);

        await grain.Fail("nul\0inside");
        await grain.Touch();

        Assert.Equal(1, (await grain.Read()).Touches);
        var dead = Assert.Single(await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal(TestCluster.FastOptions().MaxAttempts, dead.Attempts);
        Assert.Contains("poison: nul\uFFFDinside", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_grain_type_gives_a_clear_error_and_the_silo_keeps_running()
    {
        await using var handle = await StartAsync();
        var key = $"nobody-{Guid.NewGuid():N}";
        var unknown = handle.Client.GetGrain<IUnregisteredGrain>(key);

        var ex = await Assert.ThrowsAsync<GrainInvocationException>(() => unknown.Echo(7));
        await unknown.Ping();

        Assert.Contains("Unknown grain type 'UnregisteredGrain'", ex.Message, StringComparison.Ordinal);
        await Eventually.HoldsAsync(
            async () => (await handle.Cluster.Silos[0].GetDeadLettersAsync(100, default)).Any(d => d.GrainKey == key && d.Method == "Ping"),
            Patience,
            "the one-way call to an unknown grain type is dead-lettered");
        var counter = handle.Client.GetGrain<ICounterGrain>($"after-{Guid.NewGuid():N}");
        await counter.Increment(1);
        Assert.Equal(1, (await counter.Read()).Count);
    }

    [Fact]
    public async Task A_key_over_the_limit_is_refused_naming_the_limit()
    {
        await using var handle = await StartAsync();

        var ex = Assert.Throws<ArgumentException>(() => handle.Client.GetGrain<ICounterGrain>(new string('k', GrainId.MaxKeyLength + 1)));

        Assert.Contains("257 characters", ex.Message, StringComparison.Ordinal);
        Assert.Contains("limit is 256", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unserializable_argument_is_refused_naming_the_argument()
    {
        await using var handle = await StartAsync();
        var node = new Node();
        node.Next = node;

        var ex = await Assert.ThrowsAsync<GrainCallException>(() => handle.Client.GetGrain<ITroubleGrain>("t").Take(node));

        Assert.Contains("TroubleGrain.Take", ex.Message, StringComparison.Ordinal);
        Assert.Contains("argument 'value'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await handle.Cluster.Silos[0].CountPendingMessagesAsync(default));
    }

    [Fact]
    public async Task A_local_message_of_immutable_arguments_hands_over_the_senders_instance_and_a_mutable_one_a_copy()
    {
        await using var handle = await StartAsync();
        var sender = handle.Client.GetGrain<IRelayGrain>($"from-{Guid.NewGuid():N}");
        var to = $"to-{Guid.NewGuid():N}";
        // A partition just acquired is delivered by a sweep from the store (keeping message order) until the
        // first sweep after its acquisition has run: warm up so that the measured sends are dispatched directly.
        await sender.SendNote(to, "warm-up", Guid.NewGuid());
        await Eventually.HoldsAsync(async () => await handle.Client.GetGrain<IRelayGrain>(to).Received() == 1, Patience, "the warm-up note is taken");
        var tags = Enumerable.Range(0, 10).Select(_ => (Note: Guid.NewGuid(), Draft: Guid.NewGuid())).ToList();

        foreach (var (note, draft) in tags)
        {
            await sender.SendNote(to, "note", note);
            await sender.SendDraft(to, "draft", draft);
        }

        await Eventually.HoldsAsync(async () => await handle.Client.GetGrain<IRelayGrain>(to).Received() == 21, Patience, "every message is taken");
        Assert.All(tags, t =>
        {
            Assert.Equal(RelayGrain.Sent[t.Note], RelayGrain.Taken[t.Note]); // the instance itself, or its copy when a sweep delivered it
            var (sent, taken) = ((Draft)RelayGrain.Sent[t.Draft], (Draft)RelayGrain.Taken[t.Draft]);
            Assert.NotSame(sent, taken);
            Assert.Equal((sent.Text, sent.Tag), (taken.Text, taken.Tag));
        });
        Assert.Contains(tags, t => ReferenceEquals(RelayGrain.Sent[t.Note], RelayGrain.Taken[t.Note]));
    }

    [Fact]
    public async Task An_attempt_that_failed_runs_again_with_the_same_immutable_arguments_exactly_once()
    {
        await using var handle = await StartAsync(o => o.RetryBackoff = TimeSpan.FromMilliseconds(10));
        var key = $"retry-{Guid.NewGuid():N}";
        var note = new Note("kept", Guid.NewGuid());

        await handle.Client.GetGrain<IRelayGrain>(key).TakeNoteAfterAFailure(note);
        await Eventually.HoldsAsync(async () => await handle.Client.GetGrain<IRelayGrain>(key).Received() == 1, Patience, "the second attempt takes the note");
        await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System); // time for a wrongly repeated turn to show

        Assert.Equal(note, RelayGrain.Taken[note.Tag]);
        Assert.Equal(1, await handle.Client.GetGrain<IRelayGrain>(key).Received());
        Assert.Empty(await handle.Cluster.Silos[0].GetDeadLettersAsync(10, default));
    }

    [Fact]
    public async Task What_OnActivateAsync_sends_commits_with_the_first_turn_and_not_with_a_failed_one()
    {
        await using var handle = await StartAsync(o => o.RetryBackoff = TimeSpan.FromMilliseconds(10));
        var silo = handle.Cluster.Silos[0];
        var key = $"herald-{Guid.NewGuid():N}";
        var inbox = handle.Client.GetGrain<IRelayGrain>(HeraldGrain.InboxOf(key));

        // The first attempt activates the herald (which sends its announcement) and throws; the retry activates a fresh
        // instance, which sends again, and succeeds. The reply comes after the retry's commit: every send is stored by then.
        var attempt = await handle.Client.GetGrain<IHeraldGrain>(key).WorkFailingOnce();
        await Eventually.HoldsAsync(
            async () => await silo.CountPendingMessagesAsync(default) == 0 && silo.QueuedMessages == 0,
            Patience,
            "every message of the herald and its inbox is consumed");

        Assert.Equal(2, attempt);
        Assert.Equal(1, await inbox.Received()); // the failed attempt's announcement was never committed
        Assert.Empty(await silo.GetDeadLettersAsync(10, default));
    }

    [Fact]
    public async Task A_local_ask_whose_commit_ends_without_an_answer_but_committed_gets_the_committed_reply()
    {
        await using var handle = await StartAsync(o => o.AskTimeout = TimeSpan.FromSeconds(10));
        var silo = handle.Cluster.Silos[0];
        var counter = handle.Client.GetGrain<ICounterGrain>($"doubt-{Guid.NewGuid():N}");
        var injected = 0;
        // The store committed the turn; the silo hears an error instead, as when the connection dies at COMMIT.
        silo.TestHooks.AfterCommitAsync = _ => Interlocked.Exchange(ref injected, 1) == 0
            ? throw new IOException("connection lost at COMMIT (injected)")
            : Task.CompletedTask;

        var count = await counter.Add(1);
        silo.TestHooks.AfterCommitAsync = null;
        var state = await counter.Read();

        Assert.Equal(1, injected);
        Assert.Equal(1, count);
        Assert.Equal((1, 0), (state.Count, state.Repeats)); // committed once, not run again
    }

    [Fact]
    public async Task A_local_ask_whose_commit_ends_without_an_answer_and_did_not_commit_gets_the_reply_of_its_rerun()
    {
        await using var handle = await StartAsync(o => o.AskTimeout = TimeSpan.FromSeconds(10));
        var silo = handle.Cluster.Silos[0];
        var counter = handle.Client.GetGrain<ICounterGrain>($"undone-{Guid.NewGuid():N}");
        var injected = 0;
        // The connection dies before the transaction reaches the server: nothing committed, the message runs again.
        silo.TestHooks.BeforeCommitAsync = _ => Interlocked.Exchange(ref injected, 1) == 0
            ? throw new IOException("connection lost before COMMIT (injected)")
            : Task.CompletedTask;

        var count = await counter.Add(1);
        silo.TestHooks.BeforeCommitAsync = null;
        var state = await counter.Read();

        Assert.Equal(1, injected);
        Assert.Equal(1, count);
        Assert.Equal((1, 0), (state.Count, state.Repeats));
    }

    [Fact]
    public async Task An_immutable_argument_for_a_grain_of_another_silo_travels_as_stored_json_or_in_memory_as_itself()
    {
        await using var handle = await Clusters.StartAsync(provider, output, 2);
        var (first, second) = (handle.Cluster.Silos[0], handle.Cluster.Silos[1]);
        await Eventually.HoldsAsync(
            () => first.OwnedPartitions.Count > 0 && second.OwnedPartitions.Count > 0 && first.OwnedPartitions.Count + second.OwnedPartitions.Count == first.Options.PartitionCount,
            Patience,
            "both silos own partitions");
        var notes = Enumerable.Range(0, 24).Select(i => (Key: $"spread-{i}-{Guid.NewGuid():N}", Note: new Note($"n{i}", Guid.NewGuid()))).ToList();

        foreach (var (key, note) in notes)
        {
            await handle.Client.GetGrain<IRelayGrain>(key).TakeNote(note); // the client is the first silo's factory
        }

        await Eventually.HoldsAsync(() => notes.All(n => RelayGrain.Taken.ContainsKey(n.Note.Tag)), Patience, "every note is taken");
        var remote = notes.Where(n => RelayGrain.TakenOn[n.Note.Tag] == second.SiloId).ToList();
        Assert.NotEmpty(remote);
        Assert.All(notes, n => Assert.Equal(n.Note, RelayGrain.Taken[n.Note.Tag]));
        if (provider == Provider.Postgres)
        {
            Assert.All(remote, n => Assert.NotSame(n.Note, RelayGrain.Taken[n.Note.Tag])); // read back from the stored JSON
        }
        else
        {
            // The in-memory store keeps immutable arguments as they are, not their JSON (ADR 0016): every silo of the
            // process runs the message with the sender's instances.
            Assert.All(remote, n => Assert.Same(n.Note, RelayGrain.Taken[n.Note.Tag]));
        }
    }

    private sealed class Node
    {
        public Node? Next { get; set; }
    }
}

public sealed class InMemoryConformanceTests(ITestOutputHelper output) : ConformanceTests(Provider.InMemory, output);

public sealed class PostgresConformanceTests(ITestOutputHelper output) : ConformanceTests(Provider.Postgres, output);
