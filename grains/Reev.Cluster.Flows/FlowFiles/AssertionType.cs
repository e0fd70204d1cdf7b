namespace Reev.Cluster.Flows.FlowFiles;

/// <summary>
/// The <c>type</c> of a final-state assertion. Names are written exactly as in the YAML.
/// The meaning of each type is documented on <see cref="Scoring.AssertionEvaluator"/> and in the project README.
/// </summary>
public enum AssertionType
{
    SolBalance = 0,
    SolBalanceChange = 1,
    TokenAccountBalance = 2,
    TokenAccountBalanceChange = 3,
    TotalPortfolioValue = 4,
    LiquidityRatio = 5,
    MultiPoolDiversification = 6,
    CapitalReserve = 7,
    JupiterLendingPosition = 8,
}
