using System.Diagnostics.CodeAnalysis;
using Reev.Cluster.Runtime.Storage;

namespace Reev.Cluster.Runtime.InMemory;

/// <summary>
/// The in-memory queue table: pending messages by id, read in id order. Ids are handed out in increasing order, so
/// messages sit in fixed-size chunks of consecutive ids: finding, adding and removing one is an array access, and a
/// chunk is dropped once its last message is gone. (A tree keyed by id allocated a node per message and rebalanced at
/// every add and remove.) Not thread-safe: the database's lock guards it.
/// </summary>
internal sealed class MessageTable
{
    private const int ChunkBits = 10;
    private const int ChunkSize = 1 << ChunkBits;
    private const int SlotMask = ChunkSize - 1;

    private readonly Dictionary<long, Chunk> _chunks = [];
    private readonly SortedSet<long> _order = [];

    public int Count { get; private set; }

    public StoredMessage this[long id]
    {
        get => TryGetValue(id, out var message) ? message : throw new KeyNotFoundException($"No pending message {id}.");
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            ArgumentOutOfRangeException.ThrowIfNegative(id);
            if (!_chunks.TryGetValue(id >> ChunkBits, out var chunk))
            {
                _chunks[id >> ChunkBits] = chunk = new Chunk();
                _order.Add(id >> ChunkBits);
            }

            ref var slot = ref chunk.Slots[id & SlotMask];
            if (slot is null)
            {
                chunk.Count++;
                Count++;
            }

            slot = value;
        }
    }

    public bool ContainsKey(long id) => TryGetValue(id, out _);

    public bool TryGetValue(long id, [NotNullWhen(true)] out StoredMessage? message)
    {
        message = id >= 0 && _chunks.TryGetValue(id >> ChunkBits, out var chunk) ? chunk.Slots[id & SlotMask] : null;
        return message is not null;
    }

    public bool Remove(long id, [NotNullWhen(true)] out StoredMessage? message)
    {
        message = null;
        if (id < 0 || !_chunks.TryGetValue(id >> ChunkBits, out var chunk) || chunk.Slots[id & SlotMask] is not { } found)
        {
            return false;
        }

        message = found;
        chunk.Slots[id & SlotMask] = null;
        Count--;
        if (--chunk.Count == 0)
        {
            _chunks.Remove(id >> ChunkBits);
            _order.Remove(id >> ChunkBits);
        }

        return true;
    }

    /// <summary>Pending messages with an id above <paramref name="afterId"/>, in id order.</summary>
    public IEnumerable<StoredMessage> After(long afterId)
    {
        if (afterId == long.MaxValue)
        {
            yield break;
        }

        var first = Math.Max(afterId + 1, 0);
        foreach (var index in _order.GetViewBetween(first >> ChunkBits, long.MaxValue))
        {
            var slots = _chunks[index].Slots;
            for (var i = index == first >> ChunkBits ? (int)(first & SlotMask) : 0; i < ChunkSize; i++)
            {
                if (slots[i] is { } message)
                {
                    yield return message;
                }
            }
        }
    }

    private sealed class Chunk
    {
        public StoredMessage?[] Slots { get; } = new StoredMessage?[ChunkSize];

        public int Count { get; set; }
    }
}
