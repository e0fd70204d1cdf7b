namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// Placeholder → base58 address for one run (REFERENCE §1.1). Given to the agent, the tools and the scorer.
/// </summary>
/// <param name="Entries">The mapping; placeholders are ALL-CAPS with underscores.</param>
public sealed record KeyMap(IReadOnlyDictionary<string, string> Entries)
{
    public static KeyMap Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The address for a placeholder, or the input itself when it is not a known placeholder.</summary>
    public string Resolve(string nameOrAddress)
    {
        ArgumentNullException.ThrowIfNull(nameOrAddress);
        return Entries.TryGetValue(nameOrAddress, out var address) ? address : nameOrAddress;
    }

    /// <summary>The address of a placeholder when it is mapped.</summary>
    public bool TryGet(string placeholder, out string address)
    {
        if (Entries.TryGetValue(placeholder, out var found))
        {
            address = found;
            return true;
        }

        address = "";
        return false;
    }

    /// <summary>The placeholder that maps to an address, when any (for readable reports).</summary>
    public string? NameOf(string address)
    {
        foreach (var (name, value) in Entries)
        {
            if (value == address)
            {
                return name;
            }
        }

        return null;
    }

    /// <summary>Replaces every placeholder in a text by its address (longest names first).</summary>
    public string Substitute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var (name, value) in Entries.OrderByDescending(static e => e.Key.Length))
        {
            text = text.Replace(name, value, StringComparison.Ordinal);
        }

        return text;
    }
}
