namespace Reev.Cluster.Planning.Diagnostics;

/// <summary>The low-cardinality <c>cache</c> tag values of the cache instruments.</summary>
public static class CacheName
{
    public const string Balances = "balances";
    public const string Prices = "prices";
    public const string Templates = "templates";
}
