namespace Reev.Cluster.Planning.Plans;

/// <summary>One argument of a planned tool call, as it goes into the tool's JSON arguments.</summary>
/// <param name="Name">Argument name as the tool defines it (<c>user_pubkey</c>, <c>amount</c>, …).</param>
/// <param name="Value">The value as text; placeholders such as <c>USER_WALLET_PUBKEY</c> are resolved at run time.</param>
/// <param name="IsNumber">True to write the value as a JSON number.</param>
public sealed record ToolArgument(string Name, string Value, bool IsNumber)
{
    public static ToolArgument Text(string name, string value) => new(name, value, false);

    public static ToolArgument Number(string name, ulong value) =>
        new(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture), true);
}
