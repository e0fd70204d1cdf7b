using System.Text.RegularExpressions;

namespace Reev.Cluster.Planning.Intents;

/// <summary>Checks that a recipient is a Solana address (base58 of 32 bytes) or an ALL-CAPS placeholder.</summary>
internal static partial class Base58Address
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>True when <paramref name="text"/> is base58 and decodes to exactly 32 bytes.</summary>
    public static bool IsValid(string? text)
    {
        if (text is null || text.Length is < 32 or > 44)
        {
            return false;
        }

        // Big-endian base-256 accumulator: 44 base58 digits never exceed 33 bytes.
        Span<byte> bytes = stackalloc byte[34];
        var leadingZeros = 0;
        var seenNonZero = false;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            if (!seenNonZero && digit == 0)
            {
                leadingZeros++;
                continue;
            }

            seenNonZero = true;
            var carry = digit;
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                carry += bytes[i] * 58;
                bytes[i] = (byte)(carry & 0xFF);
                carry >>= 8;
            }

            if (carry != 0)
            {
                return false;
            }
        }

        var significant = bytes.Length - bytes.IndexOfAnyExcept((byte)0);
        if (bytes.IndexOfAnyExcept((byte)0) < 0)
        {
            significant = 0;
        }

        return significant + leadingZeros == 32;
    }

    /// <summary>True for flow-file placeholders such as <c>RECIPIENT_WALLET_PUBKEY</c>.</summary>
    public static bool IsPlaceholder(string? text) => text is not null && PlaceholderPattern().IsMatch(text);

    [GeneratedRegex("^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();
}
