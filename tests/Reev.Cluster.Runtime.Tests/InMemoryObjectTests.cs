using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Storage;
using Reev.Cluster.Runtime.Tests.Grains;
using Reev.Cluster.TestKit;
using Xunit.Abstractions;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>
/// The in-memory provider keeps a state that copies itself as its copy and immutable arguments as their instances, not
/// their JSON, and with <see cref="SiloOptions.VerifyJson"/> checks both as PostgreSQL would (ADR 0016).
/// </summary>
public sealed class InMemoryObjectTests(ITestOutputHelper output)
{
    private async Task<(ClusterHandle Handle, InMemoryDatabase Database)> StartAsync(bool verify, [System.Runtime.CompilerServices.CallerMemberName] string purpose = "")
    {
        InMemoryClusterProvider? memory = null;
        var handle = await Clusters.StartAsync(
            Provider.InMemory, output, 1, o => o.VerifyJson = verify, wrap: p => { memory = (InMemoryClusterProvider)p; return p; }, purpose: purpose);
        return (handle, memory!.Database);
    }

    private static StoredState Stored(InMemoryDatabase db, string key)
    {
        lock (db.Lock)
        {
            return db.States[new GrainId("NotebookGrain", key)].ToStored();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_store_keeps_a_copy_not_JSON_and_the_copy_does_not_change_with_the_live_state(bool verify)
    {
        var (handle, db) = await StartAsync(verify);
        await using var _ = handle;
        var key = $"kept-{Guid.NewGuid():N}";
        var notebook = handle.Client.GetGrain<INotebookGrain>(key);
        await notebook.Add("a");
        Assert.Equal(["a"], await notebook.Read());
        var first = Stored(db, key);

        await notebook.Add("b");
        Assert.Equal(["a", "b"], await notebook.Read());
        var second = Stored(db, key);

        Assert.Null(first.Utf8);
        Assert.Equal(["a"], Assert.IsType<NotebookState>(first.Copy).Entries); // as committed, not as the grain went on
        Assert.Equal(["a", "b"], Assert.IsType<NotebookState>(second.Copy).Entries);
        Assert.NotSame(first.Copy, second.Copy);
    }

    [Fact]
    public async Task A_fresh_activation_starts_from_a_copy_of_the_stored_copy()
    {
        var (handle, db) = await StartAsync(verify: true);
        await using var _ = handle;
        var key = $"fresh-{Guid.NewGuid():N}";
        var notebook = handle.Client.GetGrain<INotebookGrain>(key);
        await notebook.Add("a");
        await notebook.Rest(); // writes nothing: the stored state stays the copy
        Assert.Equal(["a"], await notebook.Read());
        var stored = Stored(db, key).Copy;

        await notebook.AddAndRest("b"); // the fresh activation changes its own copy, not the stored one
        Assert.Equal(["a", "b"], await notebook.Read());

        Assert.Equal(["a"], Assert.IsType<NotebookState>(stored).Entries);
        Assert.Equal(["a", "b"], Assert.IsType<NotebookState>(Stored(db, key).Copy).Entries);
    }

    [Fact]
    public async Task Verification_finds_a_copy_that_shares_a_collection_with_the_state()
    {
        var (handle, _) = await StartAsync(verify: true);
        await using var __ = handle;
        var key = $"shallow-{Guid.NewGuid():N}";
        var notebook = handle.Client.GetGrain<INotebookGrain>(key);
        await notebook.AddWithShallowCopies("a");
        await notebook.Add("b"); // changes the list the committed copy shares

        var silo = handle.Cluster.Silos[0];
        await Eventually.HoldsAsync(
            async () => (await silo.GetDeadLettersAsync(100, default)).Any(d => d.GrainKey == key), TimeSpan.FromSeconds(30), "the Add dead-lettered");
        var dead = Assert.Single(await silo.GetDeadLettersAsync(100, default), d => d.GrainKey == key);
        Assert.Equal("Add", dead.Method);
        Assert.Contains("NotebookState.DeepCopy() shares an object with the state", dead.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_finds_a_state_that_PostgreSQL_could_not_store_and_without_it_the_copy_is_kept()
    {
        var (verified, _) = await StartAsync(verify: true);
        await using (verified)
        {
            var key = $"nan-{Guid.NewGuid():N}";
            var notebook = verified.Client.GetGrain<INotebookGrain>(key);
            await notebook.WriteNotANumber();
            await notebook.Add("a");
            Assert.Equal(["a"], await notebook.Read());
            var dead = Assert.Single(await verified.Cluster.Silos[0].GetDeadLettersAsync(100, default), d => d.GrainKey == key);
            Assert.Equal("WriteNotANumber", dead.Method);
        }

        // Without verification nothing serializes the copy: the provider keeps it, as documented for the option.
        var (unverified, db) = await StartAsync(verify: false);
        await using (unverified)
        {
            var key = $"nan-{Guid.NewGuid():N}";
            var notebook = unverified.Client.GetGrain<INotebookGrain>(key);
            await notebook.WriteNotANumber();
            await notebook.Add("a");
            Assert.Equal(["a"], await notebook.Read());
            Assert.True(double.IsNaN(Assert.IsType<NotebookState>(Stored(db, key).Copy).Ratio));
        }
    }

    [Fact]
    public async Task With_verification_an_immutable_argument_JSON_cannot_hold_fails_its_send_as_on_PostgreSQL()
    {
        var (handle, _) = await StartAsync(verify: true);
        await using var _ = handle;
        var notebook = handle.Client.GetGrain<INotebookGrain>($"reading-{Guid.NewGuid():N}");

        var ex = await Assert.ThrowsAsync<GrainCallException>(() => notebook.TakeReading(new Reading(double.NaN)));
        await notebook.TakeReading(new Reading(1.5));

        Assert.Contains("NotebookGrain.TakeReading", ex.Message, StringComparison.Ordinal);
        Assert.Contains("argument 'reading'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["1.5"], await notebook.Read());
    }

    [Fact]
    public async Task Without_verification_immutable_arguments_are_not_serialized_in_memory()
    {
        // What VerifyJson is for: without it nothing writes the argument's JSON, so the NaN goes through in memory.
        var (handle, _) = await StartAsync(verify: false);
        await using var _ = handle;
        var notebook = handle.Client.GetGrain<INotebookGrain>($"reading-{Guid.NewGuid():N}");

        await notebook.TakeReading(new Reading(double.NaN));

        Assert.Equal(["NaN"], await notebook.Read());
    }
}
