using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Reev.Cluster.Flows.Serialization;

namespace Reev.Cluster.Flows.Ledger;

/// <summary>
/// Builds the instructions the tools send: real program ids and account metas, Solana-style data
/// (System transfer <c>[2,0,0,0]+u64</c>, SPL Token transfer <c>[3]+u64</c>, ATA create-idempotent <c>[1]</c>,
/// Anchor discriminators <c>sha256("global:&lt;name&gt;")[..8]</c> for the Jupiter programs).
/// </summary>
internal static class LedgerInstructions
{
    public static LedgerInstruction SystemTransfer(string from, string to, ulong lamports)
    {
        var data = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 2);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(4), lamports);
        return new(
            Record(ProgramIds.System, data, Meta(from, true, true), Meta(to, false, true)),
            new LedgerOp.SystemTransfer(from, to, lamports));
    }

    public static LedgerInstruction TokenTransfer(string source, string destination, string authority, ulong amount)
    {
        var data = new byte[9];
        data[0] = 3;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(1), amount);
        return new(
            Record(ProgramIds.Token, data, Meta(source, false, true), Meta(destination, false, true), Meta(authority, true, false)),
            new LedgerOp.TokenTransfer(source, destination, authority, amount));
    }

    public static LedgerInstruction CreateAssociatedTokenAccount(string payer, string owner, string mint)
    {
        var address = AssociatedTokenAddress.Derive(owner, mint);
        return new(
            Record(ProgramIds.AssociatedToken, [1],
                Meta(payer, true, true), Meta(address, false, true), Meta(owner, false, false), Meta(mint, false, false),
                Meta(ProgramIds.System, false, false), Meta(ProgramIds.Token, false, false)),
            new LedgerOp.CreateAssociatedTokenAccount(payer, address, owner, mint));
    }

    public static LedgerInstruction Swap(SwapVenue venue, string user, string inputMint, string outputMint, ulong amount, ulong quotedOut, int slippageBps, int driftBps)
    {
        var data = new byte[8 + 8 + 8 + 2];
        Discriminator("route").CopyTo(data, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), amount);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), quotedOut);
        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(24), (ushort)slippageBps);
        return new(
            Record(venue.ProgramId, data,
                Meta(ProgramIds.Token, false, false), Meta(user, true, true),
                Meta(TokenAccountOf(user, inputMint), false, true), Meta(TokenAccountOf(user, outputMint), false, true),
                Meta(inputMint, false, false), Meta(outputMint, false, false)),
            new LedgerOp.Swap(venue, user, inputMint, outputMint, amount, quotedOut, slippageBps, driftBps));
    }

    public static LedgerInstruction Lend(string name, string user, string assetMint, string shareMint, ulong amount)
    {
        var data = new byte[16];
        Discriminator(name).CopyTo(data, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(8), amount);
        LedgerOp op = name switch
        {
            "deposit" => new LedgerOp.LendDeposit(user, assetMint, amount),
            "withdraw" => new LedgerOp.LendWithdraw(user, assetMint, amount),
            "mint" => new LedgerOp.LendMint(user, assetMint, amount),
            "redeem" => new LedgerOp.LendRedeem(user, assetMint, amount),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown lend instruction"),
        };
        return new(
            Record(ProgramIds.JupiterLend, data,
                Meta(user, true, true), Meta(TokenAccountOf(user, assetMint), false, true), Meta(AssociatedTokenAddress.Derive(user, shareMint), false, true),
                Meta(assetMint, false, false), Meta(shareMint, false, false), Meta(ProgramIds.Token, false, false)),
            op);
    }

    /// <summary>Native SOL is held by the wallet itself; other mints by the wallet's ATA.</summary>
    public static string TokenAccountOf(string owner, string mint) =>
        mint == TokenCatalog.SolMint ? owner : AssociatedTokenAddress.Derive(owner, mint);

    private static byte[] Discriminator(string name) => SHA256.HashData(Encoding.UTF8.GetBytes("global:" + name))[..8];

    private static AccountMetaRecord Meta(string pubkey, bool signer, bool writable) => new(pubkey, signer, writable);

    private static InstructionRecord Record(string programId, byte[] data, params AccountMetaRecord[] accounts) =>
        new(programId, new EquatableArray<AccountMetaRecord>(accounts), Base58.Encode(data));
}
