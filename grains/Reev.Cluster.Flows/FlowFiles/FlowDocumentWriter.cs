using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// Writes a <see cref="FlowDocument"/> in the reference YAML format, so that
/// <see cref="FlowFileLoader.Parse"/> of the output yields an equal document (bridge mode files).
/// Strings are double-quoted; <c>flow_type</c> is written only when dynamic; defaults are written explicitly.
/// </summary>
public static class FlowDocumentWriter
{
    public static string Write(FlowDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var root = new YamlMappingNode
        {
            { "id", Text(document.Id) },
            { "description", Text(document.Description) },
            { "tags", TextList(document.Tags) },
        };
        if (document.FlowType == FlowType.Dynamic)
        {
            root.Add("flow_type", Text("dynamic"));
        }

        var initial = new YamlSequenceNode();
        foreach (var item in document.InitialState)
        {
            initial.Add(InitialItem(item));
        }

        root.Add("initial_state", initial);
        root.Add("prompt", Text(document.Prompt));
        if (document.IsMultiStep)
        {
            var flow = new YamlSequenceNode();
            foreach (var step in document.Flow)
            {
                var node = new YamlMappingNode
                {
                    { "step", Number(step.Step) },
                    { "description", Text(step.Description) },
                    { "prompt", Text(step.Prompt) },
                    { "critical", Bool(step.Critical) },
                };
                if (step.TimeoutSeconds is { } timeout)
                {
                    node.Add("timeout", Number(timeout));
                }

                if (!step.DependsOn.IsEmpty)
                {
                    node.Add("depends_on", TextList(step.DependsOn));
                }

                flow.Add(node);
            }

            root.Add("flow", flow);
        }

        root.Add("ground_truth", GroundTruthNode(document.GroundTruth));
        foreach (var extra in document.Extras)
        {
            root.Add(extra.Key, YamlJson.ToYaml(extra.Json));
        }

        var stream = new YamlStream(new YamlDocument(root));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var text = writer.ToString();

        // YamlStream ends a document with "...": harmless, but the reference files do not have it.
        return text.EndsWith("...\n", StringComparison.Ordinal) ? text[..^4] : text;
    }

    private static YamlMappingNode InitialItem(InitialStateItem item)
    {
        var node = new YamlMappingNode
        {
            { "pubkey", Text(item.Pubkey) },
            { "owner", Text(item.Owner) },
        };
        if (item.Lamports is { } lamports)
        {
            node.Add("lamports", Number(lamports));
        }

        if (item.Data is { } data)
        {
            node.Add("data", new YamlMappingNode
            {
                { "mint", Text(data.Mint) },
                { "owner", Text(data.Owner) },
                { "amount", Text(data.Amount.ToString(CultureInfo.InvariantCulture)) },
            });
        }

        if (item.LendingPosition is { } position)
        {
            node.Add("data", new YamlMappingNode { { position.Field, Text(position.Shares.ToString(CultureInfo.InvariantCulture)) } });
        }

        return node;
    }

    private static YamlMappingNode GroundTruthNode(GroundTruth truth)
    {
        var node = new YamlMappingNode();
        if (truth.TransactionStatus is { } status)
        {
            node.Add("transaction_status", Text(status));
        }

        if (truth.MinScore is { } min)
        {
            node.Add("min_score", Number(min));
        }

        if (truth.SkipInstructionValidation)
        {
            node.Add("skip_instruction_validation", Bool(true));
        }

        var assertions = new YamlSequenceNode();
        foreach (var assertion in truth.FinalStateAssertions)
        {
            assertions.Add(AssertionNode(assertion));
        }

        node.Add("final_state_assertions", assertions);
        if (!truth.ExpectedInstructions.IsEmpty)
        {
            var instructions = new YamlSequenceNode();
            foreach (var instruction in truth.ExpectedInstructions)
            {
                var accounts = new YamlSequenceNode();
                foreach (var account in instruction.Accounts)
                {
                    accounts.Add(new YamlMappingNode
                    {
                        { "pubkey", Text(account.Pubkey) },
                        { "is_signer", Bool(account.IsSigner) },
                        { "is_writable", Bool(account.IsWritable) },
                        { "weight", Number(account.Weight) },
                    });
                }

                var item = new YamlMappingNode
                {
                    { "program_id", Text(instruction.ProgramId) },
                    { "program_id_weight", Number(instruction.ProgramIdWeight) },
                    { "accounts", accounts },
                };
                if (instruction.Data is { } data)
                {
                    item.Add("data", Text(data));
                }

                if (instruction.DataWeight is { } dataWeight)
                {
                    item.Add("data_weight", Number(dataWeight));
                }

                instructions.Add(item);
            }

            node.Add("expected_instructions", instructions);
        }

        if (!truth.SuccessCriteria.IsEmpty)
        {
            var criteria = new YamlSequenceNode();
            foreach (var criterion in truth.SuccessCriteria)
            {
                var item = new YamlMappingNode { { "type", Text(criterion.Type) } };
                if (criterion.Description is { } description)
                {
                    item.Add("description", Text(description));
                }

                if (criterion.Required is { } required)
                {
                    item.Add("required", new YamlScalarNode(required));
                }

                item.Add("weight", Number(criterion.Weight));
                criteria.Add(item);
            }

            node.Add("success_criteria", criteria);
        }

        foreach (var extra in truth.Extras)
        {
            node.Add(extra.Key, YamlJson.ToYaml(extra.Json));
        }

        return node;
    }

    private static YamlMappingNode AssertionNode(FinalStateAssertion assertion)
    {
        var node = new YamlMappingNode { { "type", new YamlScalarNode(assertion.Type.ToString()) } };
        if (assertion.Pubkey is { } pubkey)
        {
            node.Add("pubkey", Text(pubkey));
        }

        if (assertion.Mint is { } mint)
        {
            node.Add("mint", Text(mint));
        }

        if (assertion.AddressDerivation is { } derivation)
        {
            node.Add("address_derivation", new YamlMappingNode
            {
                { "type", new YamlScalarNode(derivation.Type) },
                { "owner", Text(derivation.Owner) },
                { "mint", Text(derivation.Mint) },
            });
        }

        AddDecimal(node, "expected", assertion.Expected);
        AddDecimal(node, "expected_gte", assertion.ExpectedGte);
        AddDecimal(node, "expected_lte", assertion.ExpectedLte);
        AddDecimal(node, "expected_change_gte", assertion.ExpectedChangeGte);
        AddDecimal(node, "expected_change_lte", assertion.ExpectedChangeLte);
        if (assertion.ExpectedChangeNotZero is { } notZero)
        {
            node.Add("expected_change_not_zero", Bool(notZero));
        }

        AddDecimal(node, "expected_approx", assertion.ExpectedApprox);
        if (assertion.MinPools is { } minPools)
        {
            node.Add("min_pools", Number(minPools));
        }

        if (assertion.MaxPools is { } maxPools)
        {
            node.Add("max_pools", Number(maxPools));
        }

        node.Add("weight", Number(assertion.Weight));
        return node;
    }

    private static void AddDecimal(YamlMappingNode node, string key, decimal? value)
    {
        if (value is { } v)
        {
            node.Add(key, new YamlScalarNode(v.ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static YamlScalarNode Text(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

    private static YamlScalarNode Number(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static YamlScalarNode Number(ulong value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static YamlScalarNode Number(double value) => new(value.ToString("R", CultureInfo.InvariantCulture));

    private static YamlScalarNode Bool(bool value) => new(value ? "true" : "false");

    private static YamlSequenceNode TextList(IEnumerable<string> values)
    {
        var sequence = new YamlSequenceNode();
        foreach (var value in values)
        {
            sequence.Add(Text(value));
        }

        return sequence;
    }
}
