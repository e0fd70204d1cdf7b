using System.Text.Json.Nodes;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.Tools;

public sealed partial class ToolInvoker
{
    /// <summary><c>sol_transfer</c>: System transfer, or an SPL transfer when <c>operation</c> is <c>spl</c>.</summary>
    private ToolOutcome SolTransfer(ToolArguments args)
    {
        var operation = args.OptionalText("operation")?.Trim().ToLowerInvariant() ?? "sol";
        if (operation == "spl")
        {
            return SplTransfer(args);
        }

        if (operation != "sol")
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.SolTransfer}: argument \"operation\" must be \"sol\" or \"spl\", not \"{operation}\"");
        }

        var user = Signer(args, "user_pubkey", "from_pubkey");
        var recipient = args.Address("recipient_pubkey", "to_pubkey", "recipient");
        var amount = args.Amount("amount", "lamports");
        if (recipient == user)
        {
            throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.SolTransfer}: recipient_pubkey is the sender");
        }

        // Like a real RPC submission: the transaction goes on chain and fails there when funds are short.
        var result = Send(user, LedgerInstructions.SystemTransfer(user, recipient, amount));
        if (result.Failure is { } failure)
        {
            return ToolOutcome.Fail(failure);
        }

        var json = Transaction(result);
        json["from"] = user;
        json["to"] = recipient;
        json["lamports"] = amount;
        return ToolOutcome.Ok(json);
    }

    /// <summary><c>spl_transfer</c>: SPL Token transfer between token accounts (destination ATA created when missing).</summary>
    private ToolOutcome SplTransfer(ToolArguments args)
    {
        var user = Signer(args, "user_pubkey", "from_pubkey", "authority");
        var recipient = args.Address("recipient_pubkey", "destination_account", "to_pubkey", "recipient");
        var amount = args.Amount("amount");
        var source = args.OptionalAddress("source_account", "source_pubkey", "source_ata");
        var mint = args.OptionalMint("mint_address", "mint", "token_mint");
        if (mint is null)
        {
            var sourceToken = source is null ? null : _ledger.Find(source)?.Token;
            mint = sourceToken is null ? null : TokenCatalog.FindByMint(sourceToken.Mint);
            if (mint is null)
            {
                throw new ToolInputException(FlowErrorKind.InvalidArguments, $"{ToolNames.SplTransfer}: mint_address is required for SPL transfers");
            }
        }

        if (mint.Mint == TokenCatalog.SolMint)
        {
            throw new ToolInputException(FlowErrorKind.InvalidMint, $"{ToolNames.SplTransfer}: native SOL is transferred with {ToolNames.SolTransfer}");
        }

        source ??= AssociatedTokenAddress.Derive(user, mint.Mint);
        if (!_ledger.IsTokenAccountOf(source, mint.Mint))
        {
            throw new ToolInputException(FlowErrorKind.InsufficientFunds, $"{ToolNames.SplTransfer}: {source} is not a {mint.Symbol} token account of the sender (balance 0)");
        }

        var instructions = new List<LedgerInstruction>();
        string destination;
        if (_ledger.IsTokenAccountOf(recipient, mint.Mint))
        {
            destination = recipient;
        }
        else if (_ledger.Find(recipient) is { Token: not null })
        {
            throw new ToolInputException(FlowErrorKind.InvalidMint, $"{ToolNames.SplTransfer}: {recipient} is a token account of another mint");
        }
        else
        {
            destination = AssociatedTokenAddress.Derive(recipient, mint.Mint);
            EnsureAta(instructions, user, recipient, mint.Mint);
        }

        instructions.Add(LedgerInstructions.TokenTransfer(source, destination, user, amount));
        var result = Send(user, [.. instructions]);
        if (result.Failure is { } failure)
        {
            return ToolOutcome.Fail(failure);
        }

        var json = Transaction(result);
        json["source"] = source;
        json["destination"] = destination;
        json["mint"] = mint.Mint;
        json["amount"] = amount;
        return ToolOutcome.Ok(json);
    }
}
