using Reev.Cluster.Runtime.InMemory;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.Tests;

/// <summary>The in-memory queue table keeps pending messages by id and reads them in id order, across its chunks.</summary>
public sealed class MessageTableTests
{
    private static StoredMessage Message(long id, int partition = 0, int attempts = 0) =>
        new(id, partition, "G", $"k{id}", "M", MessageKind.Call, null, null, attempts, null);

    [Fact]
    public void Messages_are_found_replaced_removed_and_counted()
    {
        var table = new MessageTable();
        table[1] = Message(1);
        table[2] = Message(2);
        table[2] = Message(2, attempts: 3);

        Assert.Equal(2, table.Count);
        Assert.Equal(3, table[2].Attempts);
        Assert.True(table.ContainsKey(1));
        Assert.False(table.ContainsKey(3));
        Assert.False(table.ContainsKey(-1));
        Assert.Throws<KeyNotFoundException>(() => table[3]);

        Assert.True(table.Remove(1, out var removed));
        Assert.Equal(1, removed.Id);
        Assert.False(table.Remove(1, out _));
        Assert.False(table.ContainsKey(1));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void Reads_after_an_id_are_in_id_order_across_chunks_and_skip_removed_ones()
    {
        var table = new MessageTable();
        var ids = Enumerable.Range(1, 5000).Select(static i => (long)i).ToList();
        foreach (var id in ids.AsEnumerable().Reverse())
        {
            table[id] = Message(id, partition: (int)(id % 3));
        }

        foreach (var id in ids.Where(static id => id % 7 == 0 || id is > 1500 and < 3700))
        {
            Assert.True(table.Remove(id, out _));
        }

        var expected = ids.Where(static id => !(id % 7 == 0 || id is > 1500 and < 3700)).ToList();
        Assert.Equal(expected.Count, table.Count);
        Assert.Equal(expected, table.After(0).Select(static m => m.Id));
        Assert.Equal(expected.Where(static id => id > 1023), table.After(1023).Select(static m => m.Id));
        Assert.Equal(expected.Where(static id => id > 1024), table.After(1024).Select(static m => m.Id));
        Assert.Equal(expected.Where(static id => id > 4321), table.After(4321).Select(static m => m.Id));
        Assert.Empty(table.After(5000));
        Assert.Empty(table.After(long.MaxValue));
        Assert.Equal(expected, table.After(long.MinValue).Select(static m => m.Id));
    }

    [Fact]
    public void A_chunk_emptied_and_written_again_holds_its_new_messages()
    {
        var table = new MessageTable();
        for (long id = 0; id < 2048; id++)
        {
            table[id] = Message(id);
        }

        for (long id = 0; id < 1024; id++)
        {
            Assert.True(table.Remove(id, out _));
        }

        Assert.Equal(1024, table.Count);
        Assert.Equal(1024, table.After(-1).First().Id);

        table[5] = Message(5);
        Assert.Equal([5L, 1024L], table.After(-1).Take(2).Select(static m => m.Id));
        Assert.Equal(1025, table.Count);
    }
}
