using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

internal sealed partial class FlowFileParser
{
    private EquatableArray<InitialStateItem> ParseInitialState(YamlNode node)
    {
        var items = new List<InitialStateItem>();
        var sequence = Sequence(node, "initial_state");
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            items.Add(ParseInitialStateItem(sequence.Children[i], $"initial_state[{i}]"));
        }

        return new EquatableArray<InitialStateItem>(items);
    }

    private InitialStateItem ParseInitialStateItem(YamlNode node, string field)
    {
        var map = Mapping(node, field);
        var pubkey = Address(Required(map, "pubkey", field + ".pubkey"), field + ".pubkey");
        var ownerNode = Required(map, "owner", field + ".owner");
        var owner = ScalarText(ownerNode, field + ".owner").Trim();
        if (!Base58.IsPublicKey(owner))
        {
            throw Fail(field + ".owner", ownerNode, $"owner must be a program id (base58 32-byte address), not \"{owner}\"");
        }

        var dataNode = Optional(map, "data");
        if (owner == ProgramIds.JupiterLend)
        {
            // Benchmark 304's non-conforming position entry: see the project README, "Benchmark 304".
            return new InitialStateItem(pubkey, owner, Optional(map, "lamports") is { } l ? ParseAmount(l, field + ".lamports") : null, null, ParseLendingPosition(dataNode, field + ".data", map));
        }

        var lamports = ParseAmount(Required(map, "lamports", field + ".lamports"), field + ".lamports");
        if (dataNode is null)
        {
            return new InitialStateItem(pubkey, owner, lamports, null, null);
        }

        var data = Mapping(dataNode, field + ".data");
        if (owner != ProgramIds.Token)
        {
            throw Fail(field + ".owner", ownerNode, $"an account with token data must be owned by the SPL Token program {ProgramIds.Token}");
        }

        var mint = Mint(Required(data, "mint", field + ".data.mint"), field + ".data.mint");
        var tokenOwner = Address(Required(data, "owner", field + ".data.owner"), field + ".data.owner");
        var amount = ParseAmount(Required(data, "amount", field + ".data.amount"), field + ".data.amount");
        return new InitialStateItem(pubkey, owner, lamports, new TokenAccountData(mint, tokenOwner, amount), null);
    }

    private LendingPositionData ParseLendingPosition(YamlNode? dataNode, string field, YamlMappingNode item)
    {
        if (dataNode is null)
        {
            throw Fail(field, item, "a Jupiter Lend position entry needs data: {<jlToken>_balance: \"<shares>\"}");
        }

        var data = Mapping(dataNode, field);
        if (data.Children.Count != 1 || data.Children.First().Key is not YamlScalarNode { Value: { } key } || !key.EndsWith("_balance", StringComparison.Ordinal))
        {
            throw Fail(field, dataNode, "a Jupiter Lend position entry needs exactly one key <jlToken>_balance (e.g. jUSDC_balance)");
        }

        var symbol = key[..^"_balance".Length];
        var token = TokenCatalog.FindBySymbol(symbol);
        if (token is null || !token.IsLendingShare)
        {
            throw Fail(field + "." + key, dataNode, $"\"{symbol}\" is not a Jupiter Lend share token (jUSDC, jlUSDC, jlSOL, L-SOL, jlUSDT)");
        }

        var shares = ParseAmount(data.Children.First().Value, field + "." + key);
        return new LendingPositionData(key, token.Mint, shares);
    }
}
