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
    }
}
