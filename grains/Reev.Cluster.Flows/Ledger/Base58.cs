using System.Numerics;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>Bitcoin-alphabet base58, as Solana uses for keys, signatures and instruction data.</summary>
public static class Base58
{
    internal const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var zeros = 0;
        while (zeros < bytes.Length && bytes[zeros] == 0)
        {
            zeros++;
        }

        // Base-256 to base-58 by repeated multiply-and-add over the digits so far (least significant first): no
        // big-integer division per digit. log(256) / log(58) < 1.37, so that many digits per byte are enough.
        var capacity = ((bytes.Length - zeros) * 137 / 100) + 1;
        Span<byte> digits = capacity <= 256 ? stackalloc byte[capacity] : new byte[capacity];
        var length = 0;
        foreach (var b in bytes[zeros..])
        {
            var carry = (int)b;
            for (var i = 0; i < length; i++)
            {
                carry += digits[i] << 8;
                digits[i] = (byte)(carry % 58);
                carry /= 58;
            }

            while (carry > 0)
            {
                digits[length++] = (byte)(carry % 58);
                carry /= 58;
            }
        }

        var total = zeros + length;
        Span<char> chars = total <= 256 ? stackalloc char[total] : new char[total];
        chars[..zeros].Fill('1');
        for (var i = 0; i < length; i++)
        {
            chars[zeros + i] = Alphabet[digits[length - 1 - i]];
        }

        return new string(chars);
    }

    /// <summary>Decodes base58; false for any character outside the alphabet.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text is null)
        {
            return false;
        }

        var zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        var value = BigInteger.Zero;
        foreach (var c in text)
        {
            var digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return false;
            }

            value = (value * 58) + digit;
        }

        var body = value.IsZero ? [] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        bytes = new byte[zeros + body.Length];
        body.CopyTo(bytes, zeros);
        return true;
    }

    /// <summary>True when the text is base58 of exactly 32 bytes (a Solana public key).</summary>
    public static bool IsPublicKey(string text) => TryDecode(text, out var bytes) && bytes.Length == 32;
}
