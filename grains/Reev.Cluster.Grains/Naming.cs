using System.Collections.Concurrent;
using System.Text;

namespace Reev.Cluster.Grains;

internal static class Naming
{
    /// <summary>PascalCase to snake_case ("AwaitingUser" → "awaiting_user").</summary>
    public static string Snake(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }

    /// <summary>The enum value's name, as <see cref="Enum.ToString()"/> (one string per value, not one per call).</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumText<TEnum>.Of(value).Name;

    /// <summary>The enum value's name in lower case ("AwaitingUser" → "awaitinguser").</summary>
    public static string Lower<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumText<TEnum>.Of(value).Lower;

    /// <summary>The enum value's name in snake case ("AwaitingUser" → "awaiting_user").</summary>
    public static string Snake<TEnum>(TEnum value)
        where TEnum : struct, Enum => EnumText<TEnum>.Of(value).Snake;

    /// <summary>
    /// The texts of an enum's values, made once each: read models and events are written at every turn, and each
    /// <see cref="Enum.ToString()"/> made a string that a stored row then kept.
    /// </summary>
    private static class EnumText<TEnum>
        where TEnum : struct, Enum
    {
        /// <summary>The cache stops growing here: an enum has fewer values, so only numbers outside it (read from JSON) go uncached.</summary>
        private const int MaxCached = 256;

        private static readonly ConcurrentDictionary<TEnum, Texts> Cache = new();

        public static Texts Of(TEnum value)
        {
            if (Cache.TryGetValue(value, out var texts))
            {
                return texts;
            }

            var name = value.ToString();
            texts = new Texts(name, name.ToLowerInvariant(), Naming.Snake(name));
            if (Cache.Count < MaxCached)
            {
                Cache.TryAdd(value, texts);
            }

            return texts;
        }
    }

    private sealed record Texts(string Name, string Lower, string Snake);
}
