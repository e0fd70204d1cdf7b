using System.Security.Cryptography;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// Deterministic associated token address of (owner, mint). Real Solana derives a PDA of the ATA
/// program from the seeds [owner, token program, mint] (an off-curve SHA-256 search); the simulation
/// does not need curve math, so it takes SHA-256 over the same inputs plus a domain tag:
/// <c>SHA-256("reev-ata-v1" ‖ owner ‖ token program ‖ mint ‖ ATA program)</c>, base58-encoded.
/// Same inputs, same address, different from any fresh key; not the mainnet address.
/// </summary>
public static class AssociatedTokenAddress
{
    internal static readonly byte[] Domain = "reev-ata-v1"u8.ToArray();

    private static readonly byte[] TokenProgram = Decode(ProgramIds.Token);
    private static readonly byte[] AtaProgram = Decode(ProgramIds.AssociatedToken);

    /// <summary>The address; false when owner or mint is not base58 32 bytes.</summary>
    public static bool TryDerive(string owner, string mint, out string address)
    {
        address = "";
        if (!Base58.TryDecode(owner, out var ownerBytes) || ownerBytes.Length != 32 ||
            !Base58.TryDecode(mint, out var mintBytes) || mintBytes.Length != 32)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Domain.Length + (32 * 4)];
        Domain.CopyTo(buffer);
        ownerBytes.CopyTo(buffer[Domain.Length..]);
        TokenProgram.CopyTo(buffer[(Domain.Length + 32)..]);
        mintBytes.CopyTo(buffer[(Domain.Length + 64)..]);
        AtaProgram.CopyTo(buffer[(Domain.Length + 96)..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer, hash);
        address = Base58.Encode(hash);
        return true;
    }

    /// <summary>The address; throws <see cref="ArgumentException"/> on a malformed key (a bug in the caller).</summary>
    public static string Derive(string owner, string mint) =>
        TryDerive(owner, mint, out var address) ? address : throw new ArgumentException($"cannot derive an ATA of owner {owner} and mint {mint}");

    private static byte[] Decode(string key) =>
        Base58.TryDecode(key, out var bytes) && bytes.Length == 32 ? bytes : throw new InvalidOperationException($"program id {key} is not base58 of 32 bytes");
}
