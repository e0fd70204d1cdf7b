namespace Reev.Cluster.Planning.Intents;

/// <summary>An amount as the prompt expressed it, before it is turned into base units.</summary>
/// <param name="Kind">How the amount is expressed.</param>
/// <param name="Value">Whole tokens for <see cref="AmountKind.Exact"/>, 0–100 for <see cref="AmountKind.Percent"/>, otherwise 0.</param>
/// <param name="Token">The upper-case symbol the amount is of, when the prompt names it.</param>
public readonly record struct AmountSpec(AmountKind Kind, decimal Value, string? Token)
{
    public static AmountSpec Exact(decimal value, string? token) => new(AmountKind.Exact, value, token);

    public static AmountSpec Percent(decimal percent, string? token) => new(AmountKind.Percent, percent, token);

    public static AmountSpec All(string? token) => new(AmountKind.All, 0m, token);

    public static AmountSpec PreviousOutput(string? token) => new(AmountKind.PreviousOutput, 0m, token);

    /// <summary>The same amount, naming <paramref name="token"/> when it named none.</summary>
    public AmountSpec WithToken(string? token) => Token is null ? this with { Token = token } : this;

    public override string ToString() => Kind switch
    {
        AmountKind.Exact => $"{Value} {Token}",
        AmountKind.Percent => $"{Value}% of {Token}",
        AmountKind.All => $"all {Token}",
        _ => $"previous output {Token}",
    };
}
