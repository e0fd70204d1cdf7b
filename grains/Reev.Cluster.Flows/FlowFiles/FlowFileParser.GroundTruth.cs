using System.Globalization;
using Reev.Cluster.Flows.Ledger;
using Reev.Cluster.Flows.Serialization;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

internal sealed partial class FlowFileParser
{
    internal static readonly HashSet<string> GroundTruthKeys =
    [
        "transaction_status", "min_score", "skip_instruction_validation", "final_state_assertions",
        "expected_instructions", "success_criteria",
    ];

    internal static readonly HashSet<string> AssertionKeys =
    [
        "type", "pubkey", "mint", "address_derivation", "expected", "expected_gte", "expected_lte",
        "expected_change_gte", "expected_change_lte", "expected_change_not_zero", "expected_approx",
        "min_pools", "max_pools", "weight",
    ];

    private GroundTruth ParseGroundTruth(YamlNode node)
    {
        const string Field = "ground_truth";
        var map = Mapping(node, Field);
        double? minScore = null;
        if (Optional(map, "min_score") is { } minNode)
        {
            var text = ScalarText(minNode, Field + ".min_score");
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var min) || !double.IsFinite(min) || min < 0 || min > 1)
            {
                throw Fail(Field + ".min_score", minNode, $"must be a number in [0, 1], not \"{text}\"");
            }

            minScore = min;
        }

        var assertions = new List<FinalStateAssertion>();
        if (Optional(map, "final_state_assertions") is { } assertionsNode)
        {
            var sequence = Sequence(assertionsNode, Field + ".final_state_assertions");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                assertions.Add(ParseAssertion(sequence.Children[i], $"{Field}.final_state_assertions[{i}]"));
            }
        }

        var instructions = new List<ExpectedInstruction>();
        if (Optional(map, "expected_instructions") is { } instructionsNode)
        {
            var sequence = Sequence(instructionsNode, Field + ".expected_instructions");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                instructions.Add(ParseInstruction(sequence.Children[i], $"{Field}.expected_instructions[{i}]"));
            }
        }

        var criteria = new List<SuccessCriterion>();
        if (Optional(map, "success_criteria") is { } criteriaNode)
        {
            var sequence = Sequence(criteriaNode, Field + ".success_criteria");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var field = $"{Field}.success_criteria[{i}]";
                var item = Mapping(sequence.Children[i], field);
                criteria.Add(new SuccessCriterion(
                    RequiredString(item, "type", field + ".type"),
                    OptionalString(item, "description", field + ".description"),
                    OptionalString(item, "required", field + ".required"),
                    ParseWeight(item, "weight", field + ".weight", 1.0)));
            }
        }

        return new GroundTruth(
            OptionalString(map, "transaction_status", Field + ".transaction_status"),
            minScore,
            Optional(map, "skip_instruction_validation") is { } skip && ParseBool(skip, Field + ".skip_instruction_validation"),
            new EquatableArray<FinalStateAssertion>(assertions),
            new EquatableArray<ExpectedInstruction>(instructions),
            new EquatableArray<SuccessCriterion>(criteria),
            Extras(map, GroundTruthKeys, Field + "."));
    }

    private FinalStateAssertion ParseAssertion(YamlNode node, string field)
    {
        var map = Mapping(node, field);
        var typeNode = Required(map, "type", field + ".type");
        var typeText = ScalarText(typeNode, field + ".type");
        if (!Enum.TryParse<AssertionType>(typeText, ignoreCase: false, out var type) || !Enum.IsDefined(type) || typeText.Any(char.IsDigit))
        {
            throw Fail(field + ".type", typeNode, $"unknown assertion type \"{typeText}\" (known: {string.Join(", ", Enum.GetNames<AssertionType>())})");
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!AssertionKeys.Contains(name))
            {
                throw Fail($"{field}.{name}", key, $"unknown assertion field \"{name}\"");
            }
        }

        AddressDerivation? derivation = null;
        if (Optional(map, "address_derivation") is { } derivationNode)
        {
            var d = Mapping(derivationNode, field + ".address_derivation");
            var derivationTypeNode = Required(d, "type", field + ".address_derivation.type");
            var derivationType = ScalarText(derivationTypeNode, field + ".address_derivation.type");
            if (derivationType != "AssociatedTokenAccount")
            {
                throw Fail(field + ".address_derivation.type", derivationTypeNode, $"only AssociatedTokenAccount is supported, not \"{derivationType}\"");
            }

            derivation = new AddressDerivation(
                derivationType,
                Address(Required(d, "owner", field + ".address_derivation.owner"), field + ".address_derivation.owner"),
                Mint(Required(d, "mint", field + ".address_derivation.mint"), field + ".address_derivation.mint"));
        }

        string? pubkey = Optional(map, "pubkey") is { } pubkeyNode ? Address(pubkeyNode, field + ".pubkey") : null;
        if (pubkey is null && derivation is null)
        {
            throw Fail(field + ".pubkey", map, "an assertion needs a pubkey or an address_derivation");
        }

        var mint = Optional(map, "mint") is { } mintNode ? Mint(mintNode, field + ".mint") : null;
        int? minPools = Optional(map, "min_pools") is { } minPoolsNode ? ParseInt(minPoolsNode, field + ".min_pools") : null;
        int? maxPools = Optional(map, "max_pools") is { } maxPoolsNode ? ParseInt(maxPoolsNode, field + ".max_pools") : null;
        var assertion = new FinalStateAssertion(
            type,
            pubkey,
            mint,
            derivation,
            ParseDecimal(map, "expected", field + ".expected", allowNegative: false),
            ParseDecimal(map, "expected_gte", field + ".expected_gte", allowNegative: false),
            ParseDecimal(map, "expected_lte", field + ".expected_lte", allowNegative: false),
            ParseDecimal(map, "expected_change_gte", field + ".expected_change_gte", allowNegative: true),
            ParseDecimal(map, "expected_change_lte", field + ".expected_change_lte", allowNegative: true),
            Optional(map, "expected_change_not_zero") is { } notZero ? ParseBool(notZero, field + ".expected_change_not_zero") : null,
            ParseDecimal(map, "expected_approx", field + ".expected_approx", allowNegative: false),
            minPools,
            maxPools,
            ParseWeight(map, "weight", field + ".weight", 1.0));

        if (assertion is { Expected: null, ExpectedGte: null, ExpectedLte: null, ExpectedChangeGte: null, ExpectedChangeLte: null, ExpectedChangeNotZero: null, ExpectedApprox: null, MinPools: null, MaxPools: null })
        {
            throw Fail(field, map, "the assertion has no condition (expected, expected_gte, expected_lte, expected_change_*, min_pools/max_pools)");
        }

        return assertion;
    }

    private ExpectedInstruction ParseInstruction(YamlNode node, string field)
    {
        var map = Mapping(node, field);
        var programNode = Required(map, "program_id", field + ".program_id");
        var programId = ScalarText(programNode, field + ".program_id").Trim();
        if (!Base58.IsPublicKey(programId))
        {
            throw Fail(field + ".program_id", programNode, $"\"{programId}\" is not a base58 32-byte program id");
        }

        var accounts = new List<ExpectedAccount>();
        if (Optional(map, "accounts") is { } accountsNode)
        {
            var sequence = Sequence(accountsNode, field + ".accounts");
            for (var i = 0; i < sequence.Children.Count; i++)
            {
                var accountField = $"{field}.accounts[{i}]";
                var account = Mapping(sequence.Children[i], accountField);
                accounts.Add(new ExpectedAccount(
                    Address(Required(account, "pubkey", accountField + ".pubkey"), accountField + ".pubkey"),
                    ParseBool(Required(account, "is_signer", accountField + ".is_signer"), accountField + ".is_signer"),
                    ParseBool(Required(account, "is_writable", accountField + ".is_writable"), accountField + ".is_writable"),
                    ParseWeight(account, "weight", accountField + ".weight", 1.0)));
            }
        }

        string? data = null;
        if (Optional(map, "data") is { } dataNode)
        {
            data = ScalarText(dataNode, field + ".data");
            if (data != ExpectedInstruction.UnscoredData && !Base58.TryDecode(data, out _))
            {
                throw Fail(field + ".data", dataNode, $"instruction data must be base58 or \"...\", not \"{data}\"");
            }
        }

        double? dataWeight = Optional(map, "data_weight") is null ? null : ParseWeight(map, "data_weight", field + ".data_weight", 1.0);
        return new ExpectedInstruction(
            programId,
            ParseWeight(map, "program_id_weight", field + ".program_id_weight", 1.0),
            new EquatableArray<ExpectedAccount>(accounts),
            data,
            dataWeight);
    }
}
