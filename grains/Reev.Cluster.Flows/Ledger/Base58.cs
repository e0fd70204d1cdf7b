using System.Numerics;
using System.Text;

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

        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var builder = new StringBuilder();
        while (value > 0)
        {
            value = BigInteger.DivRem(value, 58, out var remainder);
            builder.Insert(0, Alphabet[(int)remainder]);
        }

        builder.Insert(0, new string('1', zeros));
        return builder.ToString();
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
