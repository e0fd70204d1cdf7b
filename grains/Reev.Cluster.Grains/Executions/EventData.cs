using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Reev.Cluster.Grains.Executions;

/// <summary>
/// The data of an execution event: a few pairs in one array, read-only, in the order given. An event is kept for the
/// execution's life (in its state and, in memory, for the process's), and a <see cref="Dictionary{TKey,TValue}"/>
/// of two pairs is three objects where this is two. It serializes as the JSON object a dictionary would, and reads
/// back as one.
/// </summary>
internal sealed class EventData : IReadOnlyDictionary<string, string>
{
    private readonly KeyValuePair<string, string>[] _pairs;

    private EventData(KeyValuePair<string, string>[] pairs) => _pairs = pairs;

    public int Count => _pairs.Length;

    public IEnumerable<string> Keys => _pairs.Select(static p => p.Key);

    public IEnumerable<string> Values => _pairs.Select(static p => p.Value);

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No event data named '{key}'.");

    /// <summary>The pairs in the order given; a key given twice keeps its last value, as a dictionary's indexer would.</summary>
    public static EventData Of(params ReadOnlySpan<(string Key, string Value)> pairs)
    {
        var kept = new KeyValuePair<string, string>[pairs.Length];
        var count = 0;
        foreach (var (key, value) in pairs)
        {
            ArgumentNullException.ThrowIfNull(key);
            var at = IndexOf(kept.AsSpan(0, count), key);
            kept[at < 0 ? count++ : at] = new(key, value);
        }

        return new EventData(count == kept.Length ? kept : kept[..count]);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var at = IndexOf(_pairs, key);
        value = at < 0 ? null : _pairs[at].Value;
        return at >= 0;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int IndexOf(ReadOnlySpan<KeyValuePair<string, string>> pairs, string key)
    {
        for (var i = 0; i < pairs.Length; i++)
        {
            if (string.Equals(pairs[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
