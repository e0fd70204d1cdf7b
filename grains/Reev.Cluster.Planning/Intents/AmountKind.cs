namespace Reev.Cluster.Planning.Intents;

/// <summary>How an amount in a prompt is expressed.</summary>
public enum AmountKind
{
    /// <summary>A number of whole tokens ("0.1 SOL", "50 usdc").</summary>
    Exact = 0,

    /// <summary>A percentage of the wallet's balance of the token ("50% of my sol").</summary>
    Percent = 1,

    /// <summary>The whole balance ("all", "everything").</summary>
    All = 2,

    /// <summary>What the previous step produced ("then lend it", "deposit what I received"); known only when that step has run.</summary>
    PreviousOutput = 3,
}
