namespace Reev.Cluster.Planning.Plans;

/// <summary>The amount a step moves, in base units of <paramref name="Mint"/>.</summary>
/// <param name="Source">Fixed now, or resolved when the step runs.</param>
/// <param name="Mint">Token mint (the SOL mint for native SOL, amounts then in lamports).</param>
/// <param name="Symbol">Catalog symbol of the mint.</param>
/// <param name="Decimals">Mint decimals.</param>
/// <param name="BaseUnits">The amount when <see cref="Source"/> is <see cref="AmountSource.Fixed"/>, otherwise null.</param>
/// <param name="FromStep">The 1-based step whose output this is, for <see cref="AmountSource.PreviousOutput"/>.</param>
public sealed record PlannedAmount(AmountSource Source, string Mint, string Symbol, int Decimals, ulong? BaseUnits, int? FromStep)
{
    /// <summary>True when the amount is only known when the step runs.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsDeferred => Source != AmountSource.Fixed;

    public static PlannedAmount Fixed(string mint, string symbol, int decimals, ulong baseUnits) =>
        new(AmountSource.Fixed, mint, symbol, decimals, baseUnits, null);

    public static PlannedAmount OutputOf(int step, string mint, string symbol, int decimals) =>
        new(AmountSource.PreviousOutput, mint, symbol, decimals, null, step);

    public static PlannedAmount FullBalance(string mint, string symbol, int decimals) =>
        new(AmountSource.FullBalance, mint, symbol, decimals, null, null);

    /// <summary>"0.1 SOL", "the USDC received in step 1", "all SOL".</summary>
    public override string ToString() => Source switch
    {
        AmountSource.Fixed => $"{AmountFormat.Units(BaseUnits ?? 0, Decimals)} {Symbol}",
        AmountSource.PreviousOutput => $"the {Symbol} received in step {FromStep}",
        _ => $"all {Symbol}",
    };
}
