namespace Reev.Cluster.Flows.Ledger;

/// <summary>Bitcoin-alphabet base58, as Solana uses for keys, signatures and instruction data.</summary>
public static class Base58
{
    internal const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>The digit of each ASCII character, -1 outside the alphabet.</summary>
    private static readonly sbyte[] Digits = BuildDigits();

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

        // Base-58 to base-256 by repeated multiply-and-add over the bytes so far (least significant first), as Encode
        // does the other way: no big integer per digit. log(58) / log(256) < 0.733, so that many bytes per digit.
        var capacity = ((text.Length - zeros) * 733 / 1000) + 1;
        Span<byte> values = capacity <= 256 ? stackalloc byte[capacity] : new byte[capacity];
        var length = 0;
        for (var k = zeros; k < text.Length; k++)
        {
            var c = text[k];
            var digit = c < 128 ? Digits[c] : -1;
            if (digit < 0)
            {
                return false;
            }

            var carry = (int)digit;
            for (var i = 0; i < length; i++)
            {
                carry += values[i] * 58;
                values[i] = (byte)carry;
                carry >>= 8;
            }

            while (carry > 0)
            {
                values[length++] = (byte)carry;
                carry >>= 8;
            }
        }

        bytes = new byte[zeros + length];
        for (var i = 0; i < length; i++)
        {
            bytes[zeros + i] = values[length - 1 - i];
        }

        return true;
    }

    /// <summary>True when the text is base58 of exactly 32 bytes (a Solana public key).</summary>
    public static bool IsPublicKey(string text) => TryDecode(text, out var bytes) && bytes.Length == 32;

    private static sbyte[] BuildDigits()
    {
        var digits = new sbyte[128];
        digits.AsSpan().Fill(-1);
        for (var i = 0; i < Alphabet.Length; i++)
        {
            digits[Alphabet[i]] = (sbyte)i;
        }

        return digits;
    }
}
