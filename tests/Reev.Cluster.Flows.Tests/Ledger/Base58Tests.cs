using System.Text;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tests.Ledger;

/// <summary>Base58 (Bitcoin alphabet) against published vectors and a decode round trip.</summary>
public sealed class Base58Tests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("00", "1")]
    [InlineData("000000287fb4cd", "111233QC4")]
    [InlineData("61", "2g")]
    [InlineData("626262", "a3gV")]
    [InlineData("636363", "aPEr")]
    [InlineData("572e4794", "3EFU7m")]
    [InlineData("ecac89cad93923c02321", "EJDM8drfXA6uyA")]
    [InlineData("10c8511e", "Rt5zm")]
    [InlineData("00000000000000000000", "1111111111")]
    public void Encodes_the_published_vectors(string hex, string expected) =>
        Assert.Equal(expected, Base58.Encode(Convert.FromHexString(hex)));

    [Fact]
    public void Encodes_text_and_the_system_program_id()
    {
        Assert.Equal("2NEpo7TZRRrLZSi2U", Base58.Encode(Encoding.ASCII.GetBytes("Hello World!")));
        Assert.Equal("11111111111111111111111111111111", Base58.Encode(new byte[32]));
    }

    [Fact]
    public void Decoding_an_encoding_gives_the_bytes_back()
    {
        var random = new Random(58);
        for (var i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(0, 70)];
            random.NextBytes(bytes);
            bytes.AsSpan(0, random.Next(0, Math.Min(4, bytes.Length) + 1)).Clear(); // leading zeros are digits of their own
            var text = Base58.Encode(bytes);
            Assert.All(text, c => Assert.Contains(c, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"));
            Assert.True(Base58.TryDecode(text, out var back));
            Assert.Equal(bytes, back);
        }
    }

    [Theory]
    [InlineData("1", "00")]
    [InlineData("111233QC4", "000000287fb4cd")]
    [InlineData("EJDM8drfXA6uyA", "ecac89cad93923c02321")]
    [InlineData("1z1", "000cea")]
    [InlineData("11111111111111111111111111111111", "0000000000000000000000000000000000000000000000000000000000000000")]
    public void Decodes_the_published_vectors(string text, string hex)
    {
        Assert.True(Base58.TryDecode(text, out var bytes));
        Assert.Equal(hex, Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("abcO")]
    [InlineData("I11")]
    [InlineData("1l")]
    [InlineData("So1111é")]
    [InlineData("2g ")]
    public void Rejects_characters_outside_the_alphabet(string text)
    {
        Assert.False(Base58.TryDecode(text, out var bytes));
        Assert.Empty(bytes);
        Assert.False(Base58.IsPublicKey(text));
    }

    [Fact]
    public void The_associated_token_address_is_the_documented_hash()
    {
        // SHA-256("reev-ata-v1" || owner || token program || mint || ATA program), base58: computed outside .NET.
        Assert.Equal("Do3YHrfqpLYxSftP9NrAKmhXKA5YNNV8jyUse3vxooyp",
            AssociatedTokenAddress.Derive("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM", TokenCatalog.UsdcMint));
        Assert.False(AssociatedTokenAddress.TryDerive("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWW0", TokenCatalog.UsdcMint, out _));
        Assert.False(AssociatedTokenAddress.TryDerive("2g", TokenCatalog.UsdcMint, out _));
    }
}
