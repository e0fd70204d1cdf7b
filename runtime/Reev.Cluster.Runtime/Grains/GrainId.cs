namespace Reev.Cluster.Runtime;

/// <summary>Identity of a grain: its type alias and its string key.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    /// <summary>Longest key accepted, in characters.</summary>
    public const int MaxKeyLength = 256;

    public override string ToString() => $"{Type}/{Key}";

    internal static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw new ArgumentException("A grain key must not be empty.", nameof(key));
        }

        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException(
                $"Grain key is {key.Length} characters long; the limit is {MaxKeyLength}.", nameof(key));
        }

        if (UnpairedSurrogateAt(key) is var at and >= 0)
        {
            // No UTF-8 form: PostgreSQL cannot store it (Npgsql fails the statement it would share with other sends), and
            // the in-memory provider refuses it too so that both behave alike.
            throw new ArgumentException(
                $"Grain key \"{Escape(key)}\" holds an unpaired surrogate (U+{(int)key[at]:X4} at index {at}): a key must be valid UTF-16.",
                nameof(key));
        }
    }

    /// <summary>The index of the first surrogate without its pair, or -1.</summary>
    private static int UnpairedSurrogateAt(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The key as it can be printed: surrogates without their pair and control characters as \uXXXX.</summary>
    private static string Escape(string key)
    {
        var text = new System.Text.StringBuilder(key.Length + 8);
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsHighSurrogate(c) && i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
            {
                text.Append(c).Append(key[++i]);
            }
            else if (char.IsSurrogate(c) || char.IsControl(c))
            {
                text.Append($"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
