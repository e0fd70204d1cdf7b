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
        var kept = new List<KeyValuePair<string, string>>(pairs.Length);
        foreach (var (key, value) in pairs)
        {
            ArgumentNullException.ThrowIfNull(key);
            var at = kept.FindIndex(p => p.Key == key);
            if (at >= 0)
            {
                kept[at] = new(key, value);
            }
            else
            {
                kept.Add(new(key, value));
            }
        }

        return new EventData([.. kept]);
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        foreach (var pair in _pairs)
        {
            if (string.Equals(pair.Key, key, StringComparison.Ordinal))
            {
                value = pair.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_pairs).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
