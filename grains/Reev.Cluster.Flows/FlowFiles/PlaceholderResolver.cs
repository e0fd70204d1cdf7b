using System.Text.RegularExpressions;
using Reev.Cluster.Flows.Ledger;

namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// Resolves a document's placeholders for one run (REFERENCE §1.1):
/// wallet placeholders (initial_state entries without token data) get fresh base58 32-byte keys from a
/// seeded RNG, in file order, so a seed reproduces a run; token-account placeholders resolve to the
/// associated token address of <c>data.owner</c> + <c>data.mint</c> (<see cref="AssociatedTokenAddress"/>).
/// A placeholder used elsewhere (assertions, expected instructions) must be defined in initial_state,
/// except <c>UNUSED_PLACEHOLDER</c> next to an <c>address_derivation</c>, and names of the form
/// <c>&lt;P&gt;_&lt;SYMBOL&gt;_ATA[_PLACEHOLDER]</c>, which resolve to the ATA of <c>&lt;P&gt;_WALLET_PUBKEY</c> and
/// the symbol's mint (benchmark 200 asserts on <c>USER_USDC_ATA_PLACEHOLDER</c> but defines <c>USER_USDC_ATA</c>).
/// </summary>
public static partial class PlaceholderResolver
{
    /// <summary>The key map of a run, or an error naming the placeholder and where it is used.</summary>
    public static KeyMapResult Resolve(FlowDocument document, int seed, FlowSourceMap? sourceMap = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        var map = sourceMap ?? new FlowSourceMap(document.Id + ".yml");
        var random = new Random(seed);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);

        // Wallets first, so token accounts can refer to owners declared after them.
        foreach (var item in document.InitialState)
        {
            if (item.Data is null && Placeholders.IsPlaceholder(item.Pubkey) && !keys.ContainsKey(item.Pubkey))
            {
                keys[item.Pubkey] = FreshKey(random, used);
            }
        }

        for (var i = 0; i < document.InitialState.Count; i++)
        {
            var item = document.InitialState[i];
            if (item.Data is not { } data)
            {
                continue;
            }

            var owner = data.Owner;
            if (Placeholders.IsPlaceholder(owner))
            {
                if (!keys.TryGetValue(owner, out var ownerAddress))
                {
                    return KeyMapResult.Failure(map.ErrorAt($"initial_state[{i}].data.owner", $"missing placeholder: \"{owner}\" is not declared as an account in initial_state"));
                }

                owner = ownerAddress;
            }

            var ata = AssociatedTokenAddress.Derive(owner, data.Mint);
            if (Placeholders.IsPlaceholder(item.Pubkey))
            {
                if (keys.TryGetValue(item.Pubkey, out var existing) && existing != ata)
                {
                    return KeyMapResult.Failure(map.ErrorAt($"initial_state[{i}].pubkey", $"placeholder \"{item.Pubkey}\" is declared twice with different accounts"));
                }

                keys[item.Pubkey] = ata;
            }
        }

        for (var i = 0; i < document.GroundTruth.FinalStateAssertions.Count; i++)
        {
            var assertion = document.GroundTruth.FinalStateAssertions[i];
            var field = $"ground_truth.final_state_assertions[{i}]";
            if (assertion.AddressDerivation is { } derivation)
            {
                if (Placeholders.IsPlaceholder(derivation.Owner) && !keys.ContainsKey(derivation.Owner))
                {
                    return KeyMapResult.Failure(map.ErrorAt(field + ".address_derivation.owner", $"missing placeholder: \"{derivation.Owner}\" is not declared in initial_state"));
                }

                continue;
            }

            if (assertion.Pubkey is { } pubkey && Resolve(pubkey, assertion.Mint, keys) is { } error)
            {
                return KeyMapResult.Failure(map.ErrorAt(field + ".pubkey", error));
            }
        }

        for (var i = 0; i < document.GroundTruth.ExpectedInstructions.Count; i++)
        {
            var instruction = document.GroundTruth.ExpectedInstructions[i];
            for (var a = 0; a < instruction.Accounts.Count; a++)
            {
                if (Resolve(instruction.Accounts[a].Pubkey, null, keys) is { } error)
                {
                    return KeyMapResult.Failure(map.ErrorAt($"ground_truth.expected_instructions[{i}].accounts[{a}].pubkey", error));
                }
            }
        }

        return KeyMapResult.Success(new KeyMap(keys));
    }

    /// <summary>Resolves one name against the map, adding convention-derived ATAs; returns an error text or null.</summary>
    private static string? Resolve(string name, string? mint, Dictionary<string, string> keys)
    {
        if (!Placeholders.IsPlaceholder(name) || keys.ContainsKey(name))
        {
            return null;
        }

        var match = AtaName().Match(name);
        if (match.Success)
        {
            var wallet = match.Groups["prefix"].Value + "_WALLET_PUBKEY";
            var token = mint is not null ? TokenCatalog.FindByMint(mint) : TokenCatalog.FindBySymbol(match.Groups["symbol"].Value.Replace('_', '-'));
            if (token is not null && keys.TryGetValue(wallet, out var owner))
            {
                keys[name] = AssociatedTokenAddress.Derive(owner, token.Mint);
                return null;
            }
        }

        return $"missing placeholder: \"{name}\" is not declared in initial_state";
    }

    private static string FreshKey(Random random, HashSet<string> used)
    {
        while (true)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var key = Base58.Encode(bytes);
            if (used.Add(key))
            {
                return key;
            }
        }
    }

    [GeneratedRegex("^(?<prefix>[A-Z0-9]+)_(?<symbol>[A-Z0-9]+(?:_[A-Z0-9]+)?)_ATA(?:_PLACEHOLDER)?$", RegexOptions.CultureInvariant)]
    private static partial Regex AtaName();
}
